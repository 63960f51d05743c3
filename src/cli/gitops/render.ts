/**
 * Plan and apply output: coloured text for people, JSON for programs, Markdown for pull-request comments.
 * JSON and Markdown are stable (no times, no run ids, fixed order) so they can be diffed and snapshotted.
 * Every name, id, value and message in text and Markdown comes from the file or from Spot and goes through
 * `visible` (or `md`, which starts with it) as it is placed, so none can move the cursor, forge a line or
 * rewrite a PR comment. JSON keeps the exact strings: it is for programs, and its own escaping applies.
 */
import { createColors } from "picocolors";
import type { ApplyResult } from "./applier";
import type { FieldView, Plan, PlanEntry } from "./model";
import { counts, hasDrift, NOT_VERIFIED_VIEW, SECRET_VIEW, UNKNOWN_SUFFIX } from "./planner";
import { visible } from "./visible";

type Colors = ReturnType<typeof createColors>;

const SYMBOL: Record<PlanEntry["action"], string> = {
  create: "+",
  update: "~",
  replace: "-/+",
  delete: "-",
  noop: " ",
};
const VERB: Record<PlanEntry["action"], string> = {
  create: "will be created",
  update: "will be updated in place",
  replace: "will be replaced",
  delete: "will be DELETED",
  noop: "is up to date",
};

export function formatValue(v: unknown): string {
  if (v === SECRET_VIEW || v === NOT_VERIFIED_VIEW) return v;
  if (typeof v === "string" && v.endsWith(UNKNOWN_SUFFIX))
    return JSON.stringify(v.slice(0, -UNKNOWN_SUFFIX.length)) + UNKNOWN_SUFFIX;
  if (v === undefined || v === null) return "(none)";
  return JSON.stringify(v);
}

function fieldLine(f: FieldView, action: PlanEntry["action"]): string {
  if (action === "create") return `${f.field}: ${formatValue(f.after)}`;
  if (action === "delete") return `${f.field}: ${formatValue(f.before)}`;
  return `${f.field}: ${formatValue(f.before)} → ${formatValue(f.after)}${f.forcesReplace ? " (forces replacement)" : ""}`;
}

function summaryLine(plan: Plan): string {
  const c = counts(plan);
  return `${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to delete`;
}

export interface TextOptions {
  color: boolean;
  /** "plan" or "drift": the wording of the header and footer. */
  mode: "plan" | "drift";
}

export function renderText(plan: Plan, o: TextOptions): string {
  const c: Colors = createColors(o.color);
  const paint: Record<PlanEntry["action"], (s: string) => string> = {
    create: c.green,
    update: c.yellow,
    replace: c.magenta,
    delete: (s) => c.bold(c.red(s)),
    noop: c.dim,
  };
  const lines: string[] = [];
  for (const org of plan.orgs) {
    lines.push(c.bold(visible(`Organization ${org.name}${org.organizationId ? ` (${org.organizationId})` : ""}`)));
    const changes = org.entries.filter((e) => e.action !== "noop");
    const deletes = changes.filter((e) => e.action === "delete");
    if (deletes.length)
      lines.push(
        "  " +
          c.bgRed(c.white(c.bold(` !! ${deletes.length} object${deletes.length > 1 ? "s" : ""} will be DELETED `))),
      );
    for (const e of changes) {
      const id = e.id ? c.dim(` (${visible(e.id)})`) : "";
      lines.push(
        `  ${paint[e.action](SYMBOL[e.action])} ${c.bold(visible(`${e.kind} ${e.name}`))}${id} ${paint[e.action](VERB[e.action])}${e.reason ? c.dim(` — ${visible(e.reason)}`) : ""}`,
      );
      for (const f of e.fields) lines.push(`      ${visible(fieldLine(f, e.action))}`);
    }
    const unchanged = org.entries.filter((e) => e.action === "noop" && !e.failed).length;
    if (!changes.length && !org.errors.length)
      lines.push(c.dim(`  no changes (${unchanged} object${unchanged === 1 ? "" : "s"} up to date)`));
    else if (unchanged) lines.push(c.dim(`  ${unchanged} unchanged`));
    for (const w of org.warnings) lines.push(`  ${c.yellow("warning:")} ${visible(w)}`);
    for (const err of org.errors) lines.push(`  ${c.red("error:")} ${visible(err)}`);
    lines.push("");
  }
  const errors = plan.orgs.reduce((n, o) => n + o.errors.length, 0);
  const counted = counts(plan);
  const any = counted.create + counted.update + counted.replace + counted.delete > 0;
  const what = o.mode === "drift" ? "drift check" : "plan";
  if (errors)
    lines.push(
      c.bold(
        c.red(`${errors} error${errors > 1 ? "s" : ""}: the ${what} is incomplete (so far ${summaryLine(plan)}).`),
      ),
    );
  else if (o.mode === "drift")
    lines.push(
      hasDrift(plan)
        ? c.bold(c.yellow(`Drift: ${summaryLine(plan)}.`))
        : any
          ? // Exit 0: a secret with no record to compare with is no evidence of drift.
            c.green(
              "No drift found: only secrets that could not be verified (no journal record); apply sends them once.",
            )
          : c.green("No drift: live state matches the file."),
    );
  else lines.push(any ? c.bold(`Plan: ${summaryLine(plan)}.`) : c.green("No changes: live state matches the file."));
  return lines.join("\n") + "\n";
}

/** The plan as JSON: organizations in file order, changes in plan order, noops counted only. */
export function planJson(plan: Plan, mode: "plan" | "drift"): object {
  const c = counts(plan);
  return {
    format: "spot-iac/plan@1",
    mode,
    summary: { create: c.create, update: c.update, replace: c.replace, delete: c.delete, unchanged: c.noop },
    organizations: plan.orgs.map((o) => ({
      name: o.name,
      organizationId: o.organizationId ?? null,
      changes: o.entries
        .filter((e) => e.action !== "noop")
        .map((e) => ({
          action: e.action,
          kind: e.kind,
          name: e.name,
          id: e.id ?? null,
          ...(e.reason ? { reason: e.reason } : {}),
          ...(e.unverified ? { unverified: true } : {}),
          fields: e.fields.map((f) => ({
            field: f.field,
            ...(e.action === "create" ? {} : { before: f.before ?? null }),
            ...(e.action === "delete" ? {} : { after: f.after ?? null }),
            ...(f.secret ? { secret: true } : {}),
            ...(f.forcesReplace ? { forcesReplace: true } : {}),
          })),
        })),
      unchanged: o.entries.filter((e) => e.action === "noop" && !e.failed).length,
      warnings: o.warnings,
      errors: o.errors,
    })),
  };
}

/** For a table cell or a code span: visible, and no `|` to end the cell. */
function mdEscape(s: string): string {
  return visible(s).replace(/\|/g, "\\|");
}

/** Running text (never at the start of a line): HTML such as `<details>` or `<img>` shows as text. */
function md(s: string): string {
  return mdEscape(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function mdCode(s: string): string {
  const t = mdEscape(s);
  return t.includes("`") ? `\`\` ${t} \`\`` : `\`${t}\``;
}

const MD_ACTION: Record<PlanEntry["action"], string> = {
  create: "➕ create",
  update: "✏️ update",
  replace: "♻️ replace",
  delete: "🗑️ **delete**",
  noop: "",
};

/** A pull-request comment: a summary line, a deletion warning, one table per organization. */
export function renderMarkdown(plan: Plan, mode: "plan" | "drift"): string {
  const c = counts(plan);
  const any = c.create + c.update + c.replace + c.delete > 0;
  const lines: string[] = [];
  const title = mode === "drift" ? "spot-iac drift" : "spot-iac plan";
  lines.push(`### ${title}: ${any ? summaryLine(plan) : "no changes"}`);
  lines.push("");
  if (c.delete)
    lines.push(
      `> [!WARNING]`,
      `> **${c.delete} object${c.delete > 1 ? "s" : ""} will be deleted** (prune). Review the 🗑️ rows below.`,
      "",
    );
  for (const o of plan.orgs) {
    const changes = o.entries.filter((e) => e.action !== "noop");
    const unchanged = o.entries.filter((e) => e.action === "noop" && !e.failed).length;
    lines.push(`#### Organization ${mdCode(o.name)}${o.organizationId ? ` (${md(o.organizationId)})` : ""}`);
    lines.push("");
    if (changes.length) {
      lines.push("| action | kind | name | changes |", "|---|---|---|---|");
      for (const e of changes) {
        const fields = e.fields.map((f) => mdCode(fieldLine(f, e.action))).join("<br>");
        const reason = e.reason ? ` _(${md(e.reason)})_` : "";
        lines.push(`| ${MD_ACTION[e.action]} | ${md(e.kind)} | ${mdCode(e.name)}${reason} | ${fields || "—"} |`);
      }
      lines.push("");
    }
    lines.push(`${changes.length ? "" : "No changes. "}${unchanged} unchanged.`);
    for (const w of o.warnings) lines.push(``, `⚠️ ${md(w)}`);
    for (const e of o.errors) lines.push(``, `❌ ${md(e)}`);
    lines.push("");
  }
  return lines.join("\n");
}

export function renderApplyText(res: ApplyResult, color: boolean): string {
  const c = createColors(color);
  const lines: string[] = [];
  const by = (s: string) => res.outcomes.filter((o) => o.status === s);
  const done = by("done");
  const failed = by("failed");
  const notDone = by("not done");
  const unchanged = by("unchanged");
  for (const o of res.outcomes) {
    const e = o.entry;
    const what = visible(`${e.kind} ${e.name} (${e.org})`);
    const message = visible(o.message ?? "");
    if (o.status === "done")
      lines.push(
        `${c.green("✓")} ${e.action} ${what}${o.id ? c.dim(` ${visible(o.id)}`) : ""}${message ? c.dim(` — ${message}`) : ""}`,
      );
    else if (o.status === "failed") lines.push(`${c.red("✗")} ${e.action} ${what}: ${message}`);
    else if (o.status === "not done") lines.push(`${c.yellow("·")} ${e.action} ${what} not done — ${message}`);
    else lines.push(`${c.dim("=")} ${what} ${c.dim(message || "unchanged")}`);
  }
  for (const w of res.warnings) lines.push(`${c.yellow("note:")} ${visible(w)}`);
  const summary = `Apply ${failed.length || notDone.length ? "incomplete" : "complete"}: ${done.length} done, ${failed.length} failed, ${notDone.length} not done${unchanged.length ? `, ${unchanged.length} already up to date` : ""}. Run id ${res.runId}.`;
  lines.push(failed.length || notDone.length ? c.bold(c.red(summary)) : c.bold(c.green(summary)));
  if (failed.length || notDone.length)
    lines.push("Fix the failures and run apply again: it starts from live state and converges.");
  return lines.join("\n") + "\n";
}

export function applyJson(res: ApplyResult): object {
  return {
    format: "spot-iac/apply@1",
    runId: res.runId,
    outcomes: res.outcomes.map((o) => ({
      organization: o.entry.org,
      action: o.entry.action,
      kind: o.entry.kind,
      name: o.entry.name,
      status: o.status,
      id: o.id ?? null,
      ...(o.message ? { message: o.message } : {}),
    })),
    warnings: res.warnings,
  };
}
