/**
 * Diagnostics of one RPC, and the Terraform wording of the core's typed outcomes: the core says what happened
 * (an object that already exists, a deletion that must not happen), this file says what to do about it in
 * Terraform's terms (terraform import, allow_deletion, terraform untaint, terraform state rm).
 */
import type { CheckFailure, Fields } from "../core";
import { DELETION_FIELD, isOutcome, messageOf, scrub, snakeCase } from "../core";
import { fieldPathToSteps } from "./values";
import type { PathStep } from "./values";

export interface Diagnostic {
  severity: "ERROR" | "WARNING";
  summary: string;
  detail: string;
  attribute: { steps: PathStep[] } | null;
}

/** An error meant for the user as is (no "failed" wrapper). */
export class UserError extends Error {
  constructor(
    readonly summary: string,
    detail: string,
  ) {
    super(detail);
  }
}

export function oneLine(err: unknown): string {
  return messageOf(err);
}

export function attrStep(name: string): PathStep[] {
  return [{ attribute_name: name }];
}

/** "policies.0.policyId" → "policies.0.policy_id". */
export function snakePath(field: string): string {
  return field
    .split(".")
    .map((p) => (/^\d+$/.test(p) ? p : snakeCase(p)))
    .join(".");
}

/**
 * A core message that starts with the engine's field name ("firstName cannot be changed in Spot …") worded with
 * the Terraform attribute path instead ("first_name cannot be changed in Spot …").
 */
export function fieldWorded(field: string, message: string): string {
  return message.startsWith(`${field} `) ? `${snakePath(field)}${message.slice(field.length)}` : message;
}

/** Diagnostics of one RPC, with every known secret scrubbed from their text. */
export class Scope {
  readonly diagnostics: Diagnostic[] = [];
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined>) {
    this.addSecrets(secrets);
  }

  addSecrets(values: Iterable<string | undefined>): void {
    for (const s of values) if (typeof s === "string" && s.length >= 4) this.secrets.add(s);
  }

  error(summary: string, detail: string, steps?: PathStep[]): void {
    this.push("ERROR", summary, detail, steps);
  }

  warn(summary: string, detail = "", steps?: PathStep[]): void {
    this.push("WARNING", summary, detail, steps);
  }

  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === "ERROR");
  }

  scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join("(secret)");
    return scrub(out);
  }

  /** One diagnostic per failed check, at the attribute it concerns. */
  failures(what: string, fields: Fields, failures: CheckFailure[]): void {
    for (const f of failures) {
      const p = snakePath(f.field);
      this.error(`Invalid ${p}`, `${what}: ${p} ${f.message}`, fieldPathToSteps(fields, f.field));
    }
  }

  /**
   * A failed operation as diagnostics: the core's typed outcomes get Terraform's remedy, anything else one line.
   * `typeName` is the resource type ("spot_account"), for the commands the remedy spells out.
   */
  failed(summary: string, err: unknown, typeName: string, fields?: Fields): void {
    const address = `${typeName}.<name>`;
    if (isOutcome(err)) {
      const e = err;
      switch (e.outcome) {
        case "InvalidInputs":
          if (fields) return this.failures(`${e.kind} (${typeName})`, fields, e.failures);
          break;
        case "AlreadyExists":
          return this.error(
            summary,
            `${e.message}. Import it instead of creating a second one (terraform import ${address} ` +
              `${e.ids[0] ?? "<id>"}, or an import block), or choose another name.`,
          );
        case "Ambiguous":
          return this.error(
            summary,
            `${e.message}; import the one to manage by its id: terraform import ${address} <id>.`,
          );
        case "CreatedNotFinished": {
          // Replacing deletes the object: for a kind whose deletion cannot be undone that needs allow_deletion.
          const replace = fields?.[DELETION_FIELD]?.local
            ? `or, with ${snakeCase(DELETION_FIELD)} = true, apply to replace it`
            : "or apply to replace it";
          return this.error(
            summary,
            `${e.message}. Terraform records it as tainted, so nothing is lost: run terraform untaint ${address} to ` +
              `keep it (the next terraform apply then finishes it in place), ${replace}.`,
          );
        }
        case "DeletionRefused":
          if (e.reason === "irreversible")
            return this.error(
              summary,
              `${e.message.replace(/\ballowDeletion\b/g, "allow_deletion")}. Set allow_deletion = true and apply, then ` +
                `${e.action === "delete" ? "run the destroy (or the apply that replaces it)" : "apply"} again; to stop ` +
                `managing it and keep it, run terraform state rm ${address}.`,
              attrStep("allow_deletion"),
            );
          return this.error(summary, `${e.message}; to stop managing it, run terraform state rm ${address}.`);
        case "ChangeRejected":
          return this.error(summary, fieldWorded(e.field, e.message), attrStep(snakeCase(e.field)));
        case "ChangedSincePlan":
          return this.error(
            summary,
            `${e.message}; nothing was changed. Run terraform apply again to plan from the current state.`,
          );
        default:
          break;
      }
    }
    this.error(summary, oneLine(err));
  }

  private push(severity: Diagnostic["severity"], summary: string, detail: string, steps?: PathStep[]): void {
    this.diagnostics.push({
      severity,
      summary: this.scrub(summary),
      detail: this.scrub(detail),
      attribute: steps && steps.length ? { steps } : null,
    });
  }
}
