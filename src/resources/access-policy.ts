/**
 * AccessPolicy: a policy of the organization (POST/PUT/DELETE /setup/access/policy…), read from the organization's
 * policy list (GET /setup/organization/policy, one coalesced call for any number of policies).
 *
 * Also home of the "policy assignment" pieces ({policyId, accountIds}) that User, ProgrammaticUser and UserGroup
 * share, since they are all mappings of these policies.
 */
import type { AccessPolicy as WirePolicy, PolicyAction, PolicyAssignment, PolicyStatement } from "../api/types";
import { isSpotApiError } from "../api/errors";
import type { Field } from "./schema";
import type { CheckFailure, FieldChange, ResourceContext, ResourceKind } from "./types";
import { readAll } from "./engine";
import { orGone } from "./gone";

// ---- shared: policy assignments -------------------------------------------------------------------------

/**
 * Spot's built-in "account viewer" policy. Terraform's spotinst provider appends it to every user's mapping, and
 * Spot may add it by itself, so it is hidden from the diff unless declared (and kept when others are updated).
 */
export const VIEWER_POLICY_ID = "3";

const ACCOUNT_ID = /^act-[A-Za-z0-9]+$/;
const NO_SPACE = /^\S+$/;

export interface Assignment {
  policyId: string;
  accountIds: string[];
}

/** Message for a name Spot refuses (user, programmatic user, group and policy names). */
export function noSpecialChars(v: string): string | undefined {
  if (v.trim() === "") return "must not be empty";
  return /[+=@]/.test(v)
    ? `cannot contain the characters + = @ (Spot refuses them); got ${JSON.stringify(v)}`
    : undefined;
}

/** An id of another kind: no blanks, and the expected prefix when there is one. */
export function idShape(prefix: string | undefined, example: string) {
  return (v: string): string | undefined => {
    if (!NO_SPACE.test(v)) return `must be an id without blanks, like "${example}"; got ${JSON.stringify(v)}`;
    if (prefix && !v.startsWith(prefix))
      return `must be an id starting with "${prefix}", like "${example}"; got ${JSON.stringify(v)}`;
    return undefined;
  };
}

export const accountIdShape = (v: string): string | undefined =>
  ACCOUNT_ID.test(v) ? undefined : `must be a Spot account id like "act-1a2b3c4d"; got ${JSON.stringify(v)}`;

/** The `policies` field of users, programmatic users and groups. */
export function assignmentsField(subject: string, extra = ""): Field {
  return {
    type: {
      set: {
        object: {
          policyId: {
            type: "string",
            required: true,
            ref: "AccessPolicy",
            validate: idShape(undefined, "pol-1a2b3c4d"),
            description: `Id of the access policy (pol-…, or a built-in policy such as "${VIEWER_POLICY_ID}", the account viewer).`,
          },
          accountIds: {
            type: { set: "string" },
            required: true,
            ref: "Account",
            validate: (ids: string[]) => {
              for (const id of ids) {
                if (id !== "*" && !ACCOUNT_ID.test(id))
                  return `must hold account ids (act-…) or "*"; got ${JSON.stringify(id)}`;
              }
              if (ids.includes("*") && ids.length > 1) return `"*" already means every account; remove the other ids`;
              return undefined;
            },
            description:
              'Accounts the policy applies to; "*" means every current and future account. Empty for organization-scope policies.',
          },
        },
      },
    },
    optional: true,
    description: `Access policies mapped directly to the ${subject}, each with the accounts it applies to. Updated in place (the whole mapping is replaced).${extra}`,
  };
}

/** Cross-field rule of a policy mapping: each policy at most once. */
export function checkAssignments(list: Assignment[] | undefined, field = "policies"): CheckFailure[] {
  const out: CheckFailure[] = [];
  const seen = new Map<string, number>();
  (list ?? []).forEach((p, i) => {
    const j = seen.get(p.policyId);
    if (j !== undefined) {
      out.push({
        field: `${field}.${i}.policyId`,
        message: `names policy ${JSON.stringify(p.policyId)} again (also at ${field}.${j}); merge the accountIds into one entry`,
      });
    }
    seen.set(p.policyId, i);
  });
  return out;
}

/** Spot's mapping entries ({policyId, policyName, policyType, accountIds}) as declared ones. */
export function assignmentsFromLive(list: { policyId: string; accountIds?: string[] }[] | undefined): Assignment[] {
  return (list ?? []).map((p) => ({ policyId: String(p.policyId), accountIds: [...(p.accountIds ?? [])] }));
}

/** normalizeLive part: drop the built-in viewer policy when the declaration does not name it. */
export function hideViewerPolicy(
  live: Assignment[] | undefined,
  desired: Assignment[] | undefined,
): Assignment[] | undefined {
  if (!live || (desired ?? []).some((p) => p.policyId === VIEWER_POLICY_ID)) return live;
  return live.filter((p) => p.policyId !== VIEWER_POLICY_ID);
}

/** What to send: the declared mapping, plus the viewer policy Spot holds when it is hidden from the diff. */
export function assignmentsToSend(
  desired: Assignment[] | undefined,
  live: Assignment[] | undefined,
): PolicyAssignment[] {
  const out = (desired ?? []).map((p) => ({ policyId: p.policyId, accountIds: [...p.accountIds] }));
  const viewer = (live ?? []).find((p) => p.policyId === VIEWER_POLICY_ID);
  if (viewer && !out.some((p) => p.policyId === VIEWER_POLICY_ID)) out.push(viewer);
  return out;
}

export function changed(changes: FieldChange[], field: string): boolean {
  return changes.some((c) => c.field === field);
}

/** A create that Spot refused because the natural key is taken: say how to take the object over instead. */
export function explainConflict(e: unknown, what: string, existingId?: string): never {
  if (isSpotApiError(e) && (e.name === "ConflictError" || /ALREADY_EXISTS/i.test(e.code ?? ""))) {
    const id = existingId ? ` (${existingId})` : "";
    throw new Error(
      `${what} already exists in Spot${id}; take it over with adopt (Pulumi: adopt: true; Terraform: terraform import; ` +
        `GitOps: it is adopted when it matches) or choose another name. Spot said: ${e.message}`,
    );
  }
  throw e;
}

// ---- the kind -------------------------------------------------------------------------------------------------

export interface Statement {
  effect: "ALLOW" | "DENY";
  actions: string[];
  resources: string[];
}

export interface AccessPolicyInputs {
  name: string;
  description?: string;
  statements: Statement[];
}

export interface AccessPolicyOutputs extends AccessPolicyInputs {
  policyId: string;
  policyType?: string;
}

// "*", or service:action where the action may use * as a wildcard (ocean:*, ocean:describe*).
const ACTION = /^(\*|[A-Za-z][A-Za-z0-9]*:[A-Za-z0-9*]+)$/;

function outputsOf(p: WirePolicy): AccessPolicyOutputs {
  return {
    policyId: p.id,
    name: p.name,
    description: p.description || undefined,
    statements: (p.policyContent?.statements ?? []).map((s) => ({
      effect: s.effect,
      actions: [...(s.actions ?? [])],
      resources: [...(s.resources ?? [])],
    })),
    policyType: p.type,
  };
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    "^" +
      glob
        .split("*")
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*") +
      "$",
    "i",
  );
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length];
}

/**
 * Verify the statements' actions against Spot's policy-action catalogue: one cached GET per run, so cheap enough.
 * When the catalogue cannot be read (no permission, empty answer) the schema's shape check is all there is.
 */
async function verifyActions(ctx: ResourceContext, statements: Statement[]): Promise<void> {
  let catalogue: PolicyAction[];
  try {
    catalogue = await ctx.client.access.policies.actions();
  } catch (e) {
    if (!isSpotApiError(e) || e.name === "NetworkError" || e.name === "ServerError") throw e;
    ctx.warn(
      `could not read Spot's policy-action catalogue to verify the actions (${e.message}); sending them as declared`,
    );
    return;
  }
  if (!catalogue.length) return;
  const names = catalogue.map((a) => a.name);
  const lower = new Set(names.map((n) => n.toLowerCase()));
  const problems: string[] = [];
  statements.forEach((s, i) =>
    s.actions.forEach((a, j) => {
      if (a === "*") return;
      if (a.includes("*") ? names.some((n) => globToRegExp(a).test(n)) : lower.has(a.toLowerCase())) return;
      const best = names
        .map((n) => [distance(n.toLowerCase(), a.toLowerCase()), n] as const)
        .sort((x, y) => x[0] - y[0])[0];
      const hint = best && best[0] <= Math.max(3, a.length / 4) ? ` (did you mean "${best[1]}"?)` : "";
      problems.push(
        `statements.${i}.actions.${j}: ${JSON.stringify(a)} ${a.includes("*") ? "matches no action" : "is not an action"} in Spot's policy-action catalogue${hint}`,
      );
    }),
  );
  if (problems.length) {
    throw new Error(
      `${problems.join("; ")}. The PolicyActions lookup lists the valid actions; nothing was sent to Spot.`,
    );
  }
}

async function findByName(ctx: ResourceContext, name: string): Promise<WirePolicy | undefined> {
  const exact = await ctx.client.access.policies.findByName(name);
  if (exact.length) return exact[0];
  // Spot keeps policy names unique regardless of case.
  const lower = name.toLowerCase();
  return (await ctx.client.access.policies.list()).find((p) => p.name.toLowerCase() === lower);
}

async function read(ctx: ResourceContext, id: string): Promise<AccessPolicyOutputs | undefined> {
  const p = await orGone(ctx.client.access.policies.get(id));
  return p && outputsOf(p);
}

export const accessPolicy: ResourceKind<AccessPolicyInputs, AccessPolicyOutputs> = {
  name: "AccessPolicy",
  tfName: "access_policy",
  description:
    "An access policy of the organization: statements that allow or deny Spot actions on resources. Map it to users, " +
    "programmatic users or user groups (their `policies`) with the accounts it applies to.",
  importId: { format: "pol-…", example: "pol-1a2b3c4d" },
  naturalKey: ["name"],
  fields: {
    name: {
      type: "string",
      required: true,
      validate: noSpecialChars,
      description:
        "Name of the policy, unique in the organization (Spot compares names without regard to case); cannot contain + = @. Updated in place.",
    },
    description: {
      type: "string",
      optional: true,
      description: "What the policy is for. Updated in place; removing it clears it.",
    },
    statements: {
      type: {
        list: {
          object: {
            effect: {
              type: "string",
              required: true,
              enum: ["ALLOW", "DENY"],
              description: "ALLOW or DENY the actions on the resources.",
            },
            actions: {
              type: { set: "string" },
              required: true,
              validate: (list: string[]) => {
                if (!list.length) return 'must name at least one action ("*" for all)';
                const bad = list.find((a) => !ACTION.test(a));
                return bad === undefined
                  ? undefined
                  : `must be "*" or service:action like "ocean:updateCluster" (the action may use * as a wildcard, "ocean:*"); got ${JSON.stringify(bad)}`;
              },
              description:
                'Actions, as `service:action` ("ocean:updateCluster"), with * as a wildcard ("ocean:*", "*"). Checked against ' +
                "Spot's policy-action catalogue before anything is sent (see the PolicyActions lookup).",
            },
            resources: {
              type: { set: "string" },
              required: true,
              validate: (list: string[]) => {
                if (!list.length) return 'must name at least one resource ("*" for all)';
                const bad = list.find((r) => !NO_SPACE.test(r));
                return bad === undefined
                  ? undefined
                  : `must be resource patterns without blanks ("*", "ocean:o-*"); got ${JSON.stringify(bad)}`;
              },
              description:
                'Resources the statement applies to: "*" or patterns such as "ocean:o-1234abcd" or "ocean:o-*".',
            },
          },
        },
      },
      required: true,
      validate: (list: Statement[]) => (list.length ? undefined : "must hold at least one statement"),
      description: "The policy's statements, in order. Updated in place (the whole content is replaced).",
    },
    policyId: { type: "string", stable: true, computed: true, description: "The policy id (pol-…)." },
    policyType: {
      type: "string",
      computed: true,
      description: "ACCOUNT or ORGANIZATION: the scope Spot derives from the actions.",
    },
  },

  check(inputs) {
    const out: CheckFailure[] = [];
    inputs.statements.forEach((s, i) => {
      if (s.actions.includes("*") && s.actions.length > 1) {
        out.push({ field: `statements.${i}.actions`, message: '"*" already means every action; remove the others' });
      }
    });
    return out;
  },

  async read(ctx, id) {
    return read(ctx, id);
  },

  async create(ctx, inputs) {
    await verifyActions(ctx, inputs.statements);
    let created: WirePolicy;
    try {
      created = await ctx.client.access.policies.create(
        {
          name: inputs.name,
          description: inputs.description,
          policyContent: { statements: inputs.statements as PolicyStatement[] },
        },
        { findExisting: () => findByName(ctx, inputs.name) },
      );
    } catch (e) {
      const existing = await findByName(ctx, inputs.name).catch(() => undefined);
      explainConflict(e, `an access policy named ${JSON.stringify(inputs.name)}`, existing?.id);
    }
    const outputs = (await read(ctx, created.id)) ?? outputsOf(created);
    return { id: created.id, outputs };
  },

  async update(ctx, id, inputs, live, changes) {
    if (changed(changes, "statements")) await verifyActions(ctx, inputs.statements);
    // The whole policy, as Spot's Go SDK sends it: partial-update semantics are not documented.
    await ctx.client.access.policies.update(id, {
      name: inputs.name,
      description: inputs.description ?? "",
      policyContent: { statements: inputs.statements as PolicyStatement[] },
    });
    return (await read(ctx, id)) ?? { ...live, ...inputs, description: inputs.description };
  },

  async delete(ctx, id) {
    await orGone(ctx.client.access.policies.delete(id));
  },

  async find(ctx, inputs) {
    const p = await findByName(ctx, inputs.name);
    return p ? { id: p.id, outputs: outputsOf(p) } : undefined;
  },

  async list(ctx) {
    const ids = (await ctx.client.access.policies.list()).map((p) => p.id);
    return readAll(ids, (id) => this.read(ctx, id));
  },
};
