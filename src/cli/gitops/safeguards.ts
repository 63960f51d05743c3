/**
 * Guards a pipeline wants before an apply it cannot take back: a plan that deletes a large part of an
 * organization, and a change that cuts off the access of the very token the pipeline runs with. Both are refused
 * with an explanation unless the pipeline says otherwise (a flag, never the file: the file comes from a pull
 * request).
 */
import type { FieldChange, Props } from "../../core";
import type { Plan, PlanEntry } from "./model";

export interface DeleteLimits {
  /** More deletions (and replacements, which delete) than this in one organization are refused. */
  maxDeletes: number;
  /** …as is deleting more than this share (percent) of the objects the organization's plan covers, from 3 on. */
  maxDeletePercent: number;
  /** The pipeline confirmed the deletions (`--allow-deletes`). */
  allowed: boolean;
}

export const DEFAULT_DELETE_LIMITS: DeleteLimits = { maxDeletes: 10, maxDeletePercent: 25, allowed: false };

const destroys = (e: PlanEntry) => !e.failed && (e.action === "delete" || e.action === "replace");

/** Organizations whose plan deletes more than the limits allow, each with the reason. */
export function massDeletion(plan: Plan, limits: DeleteLimits): string[] {
  if (limits.allowed) return [];
  const out: string[] = [];
  for (const o of plan.orgs) {
    const n = o.entries.filter(destroys).length;
    const total = o.entries.filter((e) => !e.failed).length;
    const pct = total ? (100 * n) / total : 0;
    if (n > limits.maxDeletes)
      out.push(
        `organization ${o.name}: the plan deletes or replaces ${n} objects, more than --max-deletes ${limits.maxDeletes}; ` +
          `review it and pass --allow-deletes to go ahead (or raise --max-deletes)`,
      );
    else if (n >= 3 && pct > limits.maxDeletePercent)
      out.push(
        `organization ${o.name}: the plan deletes or replaces ${n} of its ${total} objects (${Math.round(pct)}%), more than ` +
          `--max-delete-percent ${limits.maxDeletePercent}; review it and pass --allow-deletes to go ahead`,
      );
  }
  return out;
}

/** Who the token of an organization belongs to, as far as spot-iac could tell (see commands: audit log, env). */
export interface Self {
  email?: string;
  userId?: string;
  /** A programmatic user's name (how Spot's audit log names one). */
  name?: string;
}

function isSelf(self: Self, id: unknown, email: unknown, name?: unknown): boolean {
  return (
    (!!self.userId && id === self.userId) ||
    (!!self.email && typeof email === "string" && email.toLowerCase() === self.email.toLowerCase()) ||
    (!!self.name && typeof name === "string" && name === self.name)
  );
}

function changeOf(e: PlanEntry, field: string): FieldChange | undefined {
  return e.plan?.changes.find((c) => c.field === field);
}

/** Elements of a (normalized) list value the change removes. */
function removed(c: FieldChange | undefined, key?: (x: any) => string): string[] {
  if (!c || !Array.isArray(c.before)) return [];
  const k = key ?? ((x: unknown) => JSON.stringify(x));
  const after = new Set((Array.isArray(c.after) ? c.after : []).map(k));
  return (c.before as unknown[]).map(k).filter((x) => !after.has(x));
}

const RANK: Record<string, number> = { viewer: 1, editor: 2, admin: 3 };

/** Why this planned change would cut off the token's own access, or undefined. */
function cutsOff(e: PlanEntry, self: Self): string | undefined {
  const live: Props = e.live ?? {};
  const destroyed = e.action === "delete" || e.action === "replace";
  switch (e.kind) {
    case "User":
    case "ProgrammaticUser":
      if (!isSelf(self, e.id, live.email, e.kind === "ProgrammaticUser" ? live.name : undefined)) return undefined;
      if (destroyed) return `it ${e.action === "delete" ? "deletes" : "replaces"} the user whose token runs this apply`;
      if (removed(changeOf(e, "policies"), (p) => p.policyId).length)
        return "it removes access policies from the token's own user";
      if (removed(changeOf(e, "userGroupIds")).length) return "it removes the token's own user from user groups";
      if (e.kind === "ProgrammaticUser" && removed(changeOf(e, "accounts"), (a) => a.accountId).length)
        return "it removes account roles from the token's own programmatic user";
      return undefined;
    case "UserAttachment": {
      if (!isSelf(self, live.userId, live.userEmail)) return undefined;
      if (destroyed) return `it detaches the token's own user from account ${live.accountId}`;
      const role = changeOf(e, "role");
      if (role && (RANK[String(role.after)] ?? 0) < (RANK[String(role.before)] ?? 0))
        return `it downgrades the token's own role on account ${live.accountId} (${String(role.before)} → ${String(role.after)})`;
      if (removed(changeOf(e, "policyIds")).length)
        return `it removes policies of the token's own user on account ${live.accountId}`;
      return undefined;
    }
    case "UserGroup": {
      const members = (live.userIds ?? []) as string[];
      if (!self.userId || !members.includes(self.userId)) return undefined;
      if (destroyed) return "it deletes a user group the token's own user belongs to";
      if (removed(changeOf(e, "userIds")).includes(JSON.stringify(self.userId)))
        return "it removes the token's own user from the group";
      if (removed(changeOf(e, "policies"), (p) => p.policyId).length)
        return "it removes access policies from a group the token's own user belongs to";
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Planned changes that would remove or downgrade the token's own access, by organization. */
export function selfAccess(plan: Plan, selfOf: (org: string) => Self | undefined): string[] {
  const out: string[] = [];
  for (const o of plan.orgs) {
    const self = selfOf(o.name);
    if (!self || (!self.email && !self.userId && !self.name)) continue;
    for (const e of o.entries) {
      if (e.failed || e.action === "noop" || e.action === "create") continue;
      const why = cutsOff(e, self);
      if (why)
        out.push(
          `organization ${o.name}: ${e.kind} ${e.name}: ${why}; the run would lock itself out half-way. Make this ` +
            `change with another token (or in the Spot console), or leave it out of the file`,
        );
    }
  }
  return out;
}
