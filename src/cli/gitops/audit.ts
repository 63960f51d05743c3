/**
 * The audit receipt: a run's journal reconciled with Spot's audit log. Every change the journal says was
 * made must appear among the run's audit events (the client finds them by `run=<runId>` in the recorded
 * User-Agent); events of the run that explain no journal line are listed as unexplained.
 */
import { createColors } from "picocolors";
import type { JournalEntry } from "./journal";
import type { AuditEventLike, OrgConnection } from "./model";
import { errorMessage } from "./util";

export interface ReceiptLine {
  entry: JournalEntry;
  events: AuditEventLike[];
}

export interface OrgReceipt {
  name: string;
  organizationId?: string;
  lines: ReceiptLine[];
  /** Journaled changes with no audit event. */
  missing: JournalEntry[];
  /** Audit events of the run that match no journal line. */
  unexplained: AuditEventLike[];
  /** Failed changes: shown, not required in the audit log. */
  failed: JournalEntry[];
  error?: string;
}

export interface Receipt {
  runId: string;
  orgs: OrgReceipt[];
}

/** Journal lines that must have an audit event: done changes that sent something to Spot. */
export function expectsAudit(e: JournalEntry): boolean {
  return e.status === "done" && e.action !== "forget";
}

function haystack(ev: AuditEventLike): string {
  return [ev.resourceId, ev.context, (ev as { url?: string }).url].filter((x) => typeof x === "string").join(" ");
}

/**
 * Does this event name this change's object? By id (all parts of a composite `<accountId>/<userId>` id),
 * else by one id part plus the object's own name (an attachment posted with the user's e-mail), else for a
 * create by its name (the id is only known from the response).
 */
export function eventMatches(e: JournalEntry, ev: AuditEventLike): boolean {
  return idScore(e, ev) > 0;
}

function idScore(e: JournalEntry, ev: AuditEventLike): number {
  const text = haystack(ev);
  let best = 0;
  for (const id of [e.id, e.previousId].filter((x): x is string => !!x)) {
    const parts = id.split("/").filter(Boolean);
    if (ev.resourceId === id) best = Math.max(best, 8);
    if (parts.length && parts.every((p) => text.includes(p))) best = Math.max(best, 6);
    const last = e.name.split("/").pop()!;
    if (parts.length > 1 && parts.some((p) => text.includes(p)) && text.includes(last)) best = Math.max(best, 4);
  }
  if (!best && (e.action === "create" || e.action === "replace")) {
    if (text.includes(JSON.stringify(e.name)) || text.includes(`\\"${e.name}\\"`)) best = 2;
  }
  return best;
}

function words(s: string): Set<string> {
  return new Set(
    s
      .replace(/([a-z])([A-Z])/g, "$1 $2")
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 1),
  );
}

/**
 * How well an event fits a change: it must name the object (idScore); then an event recorded while the change
 * was running, and one whose action or resource type shares words with the kind ("Create AWS External Id" for
 * AwsExternalId), fits better. The clock window tolerates a little skew between this machine and Spot.
 */
export function matchScore(e: JournalEntry, ev: AuditEventLike, skewMs = 2000): number {
  const id = idScore(e, ev);
  if (!id) return 0;
  let score = id;
  const t = Date.parse(ev.createdAt ?? "");
  if (Number.isFinite(t) && t >= Date.parse(e.started) - skewMs && t <= Date.parse(e.time) + skewMs) score += 5;
  const kindWords = words(e.kind);
  const evWords = words(`${ev.actionType ?? ""} ${ev.resourceType ?? ""}`);
  let shared = 0;
  for (const w of kindWords) if (evWords.has(w)) shared++;
  return score + Math.min(shared, 3);
}

/**
 * Each change gets the best-fitting event no other change took (one event records one request); the
 * remaining events that name an object go with the change they fit best (a change may take several
 * requests: an account created with Slack channels is a POST and a PUT).
 */
export function reconcile(entries: JournalEntry[], events: AuditEventLike[]): Omit<OrgReceipt, "name"> {
  const pairs: { e: number; ev: number; score: number }[] = [];
  entries.forEach((e, i) =>
    events.forEach((ev, j) => {
      const score = matchScore(e, ev);
      if (score > 0) pairs.push({ e: i, ev: j, score });
    }),
  );
  pairs.sort((a, b) => b.score - a.score || a.ev - b.ev);
  const byEntry = entries.map(() => [] as number[]);
  const claimed = new Set<number>();
  for (const p of pairs) {
    if (byEntry[p.e].length || claimed.has(p.ev)) continue;
    byEntry[p.e].push(p.ev);
    claimed.add(p.ev);
  }
  for (const p of pairs) {
    if (claimed.has(p.ev)) continue;
    byEntry[p.e].push(p.ev);
    claimed.add(p.ev);
  }
  const lines: ReceiptLine[] = [];
  const missing: JournalEntry[] = [];
  const failed: JournalEntry[] = [];
  entries.forEach((e, i) => {
    if (e.status === "failed") {
      failed.push(e);
      return;
    }
    const matched = byEntry[i].map((j) => events[j]);
    lines.push({ entry: e, events: matched });
    if (expectsAudit(e) && matched.length === 0) missing.push(e);
  });
  return { lines, missing, failed, unexplained: events.filter((_, j) => !claimed.has(j)) };
}

export async function auditRun(
  runId: string,
  entries: JournalEntry[],
  connect: (organization: string, entries: JournalEntry[]) => Promise<OrgConnection>,
): Promise<Receipt> {
  const run = entries.filter((e) => e.runId === runId);
  const orgNames = [...new Set(run.map((e) => e.organization))];
  const orgs: OrgReceipt[] = [];
  for (const name of orgNames) {
    const mine = run.filter((e) => e.organization === name);
    const from = new Date(Math.min(...mine.map((e) => Date.parse(e.started))) - 120_000);
    const to = new Date(Math.max(...mine.map((e) => Date.parse(e.time))) + 120_000);
    try {
      const conn = await connect(name, mine);
      const events = await conn.auditTrail(runId, { from, to });
      orgs.push({ name, organizationId: conn.organizationId ?? mine[0].organizationId, ...reconcile(mine, events) });
    } catch (err) {
      orgs.push({
        name,
        organizationId: mine[0].organizationId,
        lines: [],
        missing: mine.filter(expectsAudit),
        unexplained: [],
        failed: [],
        error: errorMessage(err),
      });
    }
  }
  return { runId, orgs };
}

export function receiptOk(r: Receipt): boolean {
  return r.orgs.length > 0 && r.orgs.every((o) => !o.error && o.missing.length === 0);
}

function urlOf(ev: AuditEventLike): string | undefined {
  try {
    const url = JSON.parse(ev.context ?? "{}").url;
    return typeof url === "string" ? url : undefined;
  } catch {
    return undefined;
  }
}

function eventText(ev: AuditEventLike): string {
  const parts = [
    ev.createdAt,
    ev.actionType ? `"${ev.actionType}"` : undefined,
    urlOf(ev),
    ev.user ? `by ${ev.user}` : undefined,
  ];
  return parts.filter(Boolean).join(" ");
}
export function renderReceipt(r: Receipt, color: boolean): string {
  const c = createColors(color);
  const lines: string[] = [c.bold(`Audit receipt for run ${r.runId}`)];
  if (!r.orgs.length)
    lines.push(c.red(`No journal line has run id ${r.runId}: nothing to reconcile (check --journal).`));
  let total = 0;
  let found = 0;
  for (const o of r.orgs) {
    lines.push(c.bold(`Organization ${o.name}${o.organizationId ? ` (${o.organizationId})` : ""}`));
    if (o.error) lines.push(`  ${c.red("error:")} cannot read the audit log: ${o.error}`);
    for (const l of o.lines) {
      const e = l.entry;
      const what = `${e.action} ${e.kind} ${e.name}${e.id ? ` ${e.id}` : ""}`;
      if (!expectsAudit(e)) {
        lines.push(`  ${c.dim("·")} ${what} ${c.dim("— nothing sent to Spot (forgotten)")}`);
        continue;
      }
      total++;
      if (l.events.length) {
        found++;
        lines.push(
          `  ${c.green("✓")} ${what}  ← ${eventText(l.events[0])}${l.events.length > 1 ? c.dim(` (+${l.events.length - 1} more)`) : ""}`,
        );
      } else lines.push(`  ${c.red("✗")} ${what} — no audit event records it`);
    }
    for (const e of o.failed)
      lines.push(`  ${c.yellow("!")} ${e.action} ${e.kind} ${e.name} failed in the run: ${e.error ?? ""}`);
    for (const ev of o.unexplained)
      lines.push(`  ${c.yellow("?")} unexplained event of the run: ${eventText(ev)} ${ev.resourceId ?? ""}`);
    if (o.error) total += o.missing.length;
  }
  const missing = total - found;
  const verdict = `Receipt: ${total} change${total === 1 ? "" : "s"} journaled, ${found} found in Spot's audit log, ${missing} missing.`;
  lines.push(receiptOk(r) ? c.bold(c.green(verdict)) : c.bold(c.red(verdict)));
  return lines.join("\n") + "\n";
}

export function receiptJson(r: Receipt): object {
  return {
    format: "spot-iac/audit@1",
    runId: r.runId,
    ok: receiptOk(r),
    organizations: r.orgs.map((o) => ({
      name: o.name,
      organizationId: o.organizationId ?? null,
      error: o.error ?? null,
      changes: o.lines.map((l) => ({
        action: l.entry.action,
        kind: l.entry.kind,
        name: l.entry.name,
        id: l.entry.id ?? null,
        expected: expectsAudit(l.entry),
        events: l.events.map((e) => ({
          createdAt: e.createdAt,
          actionType: e.actionType,
          resourceType: e.resourceType,
          resourceId: e.resourceId,
          user: e.user,
        })),
      })),
      missing: o.missing.map((e) => ({ kind: e.kind, name: e.name, id: e.id ?? null, action: e.action })),
      failed: o.failed.map((e) => ({ kind: e.kind, name: e.name, action: e.action, error: e.error ?? null })),
      unexplained: o.unexplained.map((e) => ({
        createdAt: e.createdAt,
        actionType: e.actionType,
        resourceType: e.resourceType,
        resourceId: e.resourceId,
      })),
    })),
  };
}
