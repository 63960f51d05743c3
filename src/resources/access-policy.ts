/**
 * AccessPolicy: a policy of the organization (POST/PUT/DELETE /setup/access/policy…), read from the organization's
 * policy list (GET /setup/organization/policy, one coalesced call for any number of policies).
 */
import type { AccessPolicy as WirePolicy, PolicyAction, PolicyStatement } from "../api/types";
import { isSpotApiError } from "../api/errors";
import type { CheckFailure, ResourceContext, ResourceKind } from "../core/kind";
import { explainConflict } from "./shared/assignments";
import { orGone, readAll } from "./shared/gone";
import { noBlanks, noSpecialChars } from "./shared/ids";

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
async function verifyActions(ctx: ResourceContext, statements: Statement[]): Promise<CheckFailure[]> {
  let catalogue: PolicyAction[];
  try {
    catalogue = await ctx.client.access.policies.actions();
  } catch (e) {
    if (!isSpotApiError(e) || e.name === "NetworkError" || e.name === "ServerError") throw e;
    ctx.warn(
      `could not read Spot's policy-action catalogue to verify the actions (${e.message}); sending them as declared`,
    );
    return [];
  }
  if (!catalogue.length) return [];
  const names = catalogue.map((a) => a.name);
  const lower = new Set(names.map((n) => n.toLowerCase()));
  const problems: CheckFailure[] = [];
  statements.forEach((s, i) =>
    s.actions.forEach((a, j) => {
      if (a === "*") return;
      if (a.includes("*") ? names.some((n) => globToRegExp(a).test(n)) : lower.has(a.toLowerCase())) return;
      const best = names
        .map((n) => [distance(n.toLowerCase(), a.toLowerCase()), n] as const)
        .sort((x, y) => x[0] - y[0])[0];
      const hint = best && best[0] <= Math.max(3, a.length / 4) ? ` (did you mean "${best[1]}"?)` : "";
      problems.push({
        field: `statements.${i}.actions.${j}`,
        message: `${JSON.stringify(a)} ${a.includes("*") ? "matches no action" : "is not an action"} in Spot's policy-action catalogue${hint}; the PolicyActions lookup lists the valid actions`,
      });
    }),
  );
  return problems;
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
                const bad = list.find((r) => !noBlanks(r));
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

  verify({ ctx, inputs }) {
    return verifyActions(ctx, inputs.statements);
  },

  async read({ ctx, id }) {
    return read(ctx, id);
  },

  async create({ ctx, inputs }) {
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
      explainConflict(e, "AccessPolicy", `named ${JSON.stringify(inputs.name)}`, existing?.id);
    }
    const outputs = (await read(ctx, created.id)) ?? outputsOf(created);
    return { id: created.id, outputs };
  },

  async update({ ctx, id, inputs, live }) {
    // The whole policy, as Spot's Go SDK sends it: partial-update semantics are not documented.
    await ctx.client.access.policies.update(id, {
      name: inputs.name,
      description: inputs.description ?? "",
      policyContent: { statements: inputs.statements as PolicyStatement[] },
    });
    return (await read(ctx, id)) ?? { ...live, ...inputs, description: inputs.description };
  },

  async delete({ ctx, id }) {
    await orGone(ctx.client.access.policies.delete(id));
  },

  async find({ ctx, inputs }) {
    const p = await findByName(ctx, inputs.name);
    return p ? { id: p.id, outputs: outputsOf(p) } : undefined;
  },

  async list({ ctx }) {
    const ids = (await ctx.client.access.policies.list()).map((p) => p.id);
    return readAll(ids, (id) => this.read({ ctx, id }));
  },
};
