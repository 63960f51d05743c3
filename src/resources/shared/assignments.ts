/**
 * Policy assignments ({policyId, accountIds}): the `policies` field that User, ProgrammaticUser and UserGroup
 * share, since they are all mappings of access policies. Also the conflict wording of their creates.
 */
import { isSpotApiError } from "../../api/errors";
import { AlreadyExists } from "../../core/errors";
import type { Field } from "../../core/schema";
import type { CheckFailure, FieldChange } from "../../core/kind";
import type { PolicyAssignment } from "../../api/types";
import { idShape } from "./ids";

/**
 * Spot's built-in "account viewer" policy. Terraform's spotinst provider appends it to every user's mapping, and
 * Spot may add it by itself, so it is hidden from the diff unless declared (and kept when others are updated).
 */
export const VIEWER_POLICY_ID = "3";

const ACCOUNT_ID = /^act-[A-Za-z0-9]+$/;

export interface Assignment {
  policyId: string;
  accountIds: string[];
}

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

/** A create that Spot refused because the natural key is taken becomes AlreadyExists; anything else is rethrown. */
export function explainConflict(e: unknown, kind: string, what: string, existingId?: string): never {
  if (isSpotApiError(e) && (e.name === "ConflictError" || /ALREADY_EXISTS/i.test(e.code ?? ""))) {
    throw new AlreadyExists(kind, existingId ? [existingId] : [], what, `Spot said: ${e.message}`);
  }
  throw e;
}
