/**
 * Saved plans: `plan --out PLAN` writes what a reviewer saw, `apply --plan PLAN` applies exactly that. A saved plan
 * holds the digest of the file it was made from and, per change, what the change was computed from (the live
 * object's fingerprint, see core `fingerprint`) — never a secret value: secrets appear as "(secret)" and are not
 * part of any fingerprint.
 *
 * Applying re-plans from live state and compares: when anything the saved plan touches moved (a field changed in
 * Spot, an object appeared or vanished, the file or a secret changed), nothing is applied and every difference is
 * reported. Otherwise the fresh plan — identical to the reviewed one — is applied.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { VERSION } from "../../version";
import type { Plan, PlanEntry } from "./model";
import { planJson } from "./render";

export const PLAN_FILE_FORMAT = "spot-iac/saved-plan@1";

interface SavedEntry {
  org: string;
  key: string;
  kind: string;
  name: string;
  action: PlanEntry["action"];
  id: string | null;
  /** What the change was computed from: the live object's fingerprint, or its fields for a deletion. */
  basis: Record<string, string> | null;
  /** The change as shown (file terms, secrets as "(secret)"). */
  fields: string;
}

export interface SavedPlan {
  format: typeof PLAN_FILE_FORMAT;
  /** The spot-iac version that made it (a plan is applied by the same version). */
  version: string;
  /** The GitOps file, as given on the command line, and the SHA-256 of its bytes. */
  file: string;
  fileDigest: string;
  /** The organizations the plan covers (`--org`), in file order. */
  organizations: string[];
  /** The objects the plan replaces on request (`--replace Kind/name`): applied again as asked. */
  replace: string[];
  /**
   * Whether the plan read the secrets. A plan made without them (`--without-secrets`, as a pull-request job may) did
   * not compare them: applying it accepts what the secrets alone change — they were never shown anyway.
   */
  secretsRead: boolean;
  /** The plan as `plan --json` shows it, for people and tools reviewing the file. */
  plan: object;
  entries: SavedEntry[];
}

export function digestOf(path: string): string {
  return "sha256:" + createHash("sha256").update(readFileSync(path)).digest("hex");
}

function saved(e: PlanEntry, withoutSecrets = false): SavedEntry {
  // Compared without secrets: a change made of secrets alone is no change the reviewer could have seen.
  const fields = withoutSecrets ? e.fields.filter((f) => !f.secret) : e.fields;
  const action = withoutSecrets && e.action === "update" && !fields.length ? "noop" : e.action;
  return {
    org: e.org,
    key: e.key,
    kind: e.kind,
    name: e.name,
    action,
    id: e.id ?? null,
    basis: e.plan?.basis ?? (e.action === "delete" ? { fields: JSON.stringify(e.fields) } : null),
    fields: JSON.stringify(fields),
  };
}

export function toSavedPlan(
  plan: Plan,
  file: string,
  fileDigest: string,
  secretsRead = true,
  replace: string[] = [],
): SavedPlan {
  return {
    format: PLAN_FILE_FORMAT,
    version: VERSION,
    file,
    fileDigest,
    secretsRead,
    organizations: plan.orgs.map((o) => o.name),
    replace: [...replace],
    plan: planJson(plan, "plan"),
    entries: plan.orgs.flatMap((o) => o.entries.filter((e) => !e.failed).map((e) => saved(e, !secretsRead))),
  };
}

export function writeSavedPlan(path: string, p: SavedPlan): void {
  writeFileSync(path, JSON.stringify(p, null, 2) + "\n", { mode: 0o600 });
}

export class SavedPlanError extends Error {}

export function readSavedPlan(path: string): SavedPlan {
  let p: SavedPlan;
  try {
    p = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new SavedPlanError(`cannot read the saved plan ${path}: ${(e as Error).message}`);
  }
  if (!p || p.format !== PLAN_FILE_FORMAT || !Array.isArray(p.entries))
    throw new SavedPlanError(`${path} is not a plan saved by \`spot-iac plan --out\` (format ${PLAN_FILE_FORMAT})`);
  if (p.version !== VERSION)
    throw new SavedPlanError(
      `${path} was made by spot-iac ${p.version}, this is ${VERSION}: plan again with this version`,
    );
  return { ...p, replace: Array.isArray(p.replace) ? p.replace : [] };
}

/**
 * Why a saved plan does not belong to this checkout and job, or undefined when it does: it must cover exactly the
 * organizations asked for (when any are) and come from these very bytes of the GitOps file. Format and version are
 * readSavedPlan's. `apply --plan` refuses on either; `apply --plan --check` only reports it (CI recipes ask it before
 * choosing between the reviewed plan and a fresh one).
 */
export function savedPlanMismatch(
  p: SavedPlan,
  o: { planName: string; fileName: string; fileDigest: string; orgs?: string[] },
): string | undefined {
  if (o.orgs?.length && JSON.stringify([...o.orgs].sort()) !== JSON.stringify([...p.organizations].sort()))
    return (
      `${o.planName} covers organization${p.organizations.length > 1 ? "s" : ""} ${p.organizations.join(", ")}, ` +
      `not ${o.orgs.join(", ")}`
    );
  if (o.fileDigest !== p.fileDigest) return `${o.fileName} changed since the plan was saved`;
  return undefined;
}

function describe(e: { kind: string; name: string; org: string }): string {
  return `${e.kind} ${e.name} (${e.org})`;
}

function movedKeys(a: Record<string, string> | null, b: Record<string, string> | null): string[] {
  if (!a || !b) return a === b ? [] : ["(the object itself)"];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => a[k] !== b[k]);
}

/** What differs between the reviewed plan and a fresh one: empty when applying the fresh one does what was reviewed. */
export function planDifferences(reviewed: SavedPlan, fresh: Plan): string[] {
  const out: string[] = [];
  const now = new Map<string, SavedEntry>();
  for (const o of fresh.orgs) {
    for (const err of o.errors) out.push(`organization ${o.name}: ${err}`);
    for (const e of o.entries) if (!e.failed) now.set(e.key, saved(e, !reviewed.secretsRead));
  }
  const then = new Map(reviewed.entries.map((e) => [e.key, e]));
  for (const e of reviewed.entries) {
    if (e.action === "noop") continue;
    const n = now.get(e.key);
    if (!n) out.push(`${describe(e)}: planned to ${e.action}, but it is no longer part of the plan`);
    else if (n.action !== e.action)
      out.push(
        `${describe(e)}: planned to ${e.action}, now it would ${n.action === "noop" ? "need no change" : n.action}`,
      );
    else if (n.id !== e.id) out.push(`${describe(e)}: planned on ${e.id}, now it is ${n.id ?? "absent"}`);
    else {
      const moved = movedKeys(e.basis, n.basis);
      if (moved.length) out.push(`${describe(e)}: changed in Spot since the plan (${moved.join(", ")})`);
      else if (n.fields !== e.fields) out.push(`${describe(e)}: the change is no longer the one reviewed`);
    }
  }
  for (const [key, n] of now) {
    if (n.action === "noop") continue;
    const e = then.get(key);
    if (!e || e.action === "noop")
      out.push(`${describe(n)}: now needs to ${n.action}, which the reviewed plan does not include`);
  }
  return out;
}
