/**
 * Typed outcomes of the lifecycle. Kinds and the core throw these instead of plain Errors whose text spells out
 * one front-end's commands: the message says what happened in Spot's terms, the fields say what a front-end needs
 * to word the remedy in its own ("terraform import …", "adopt: …", "pin id: … in the file").
 *
 * Each carries `outcome` (its name) under a registered symbol as well, so a check holds across two copies of this
 * module in one process, where instanceof would not.
 */
import type { CheckFailure, Props } from "./kind";

const BRAND = Symbol.for("spot-iac.core.outcome");

export type OutcomeName =
  | "CreatedNotFinished"
  | "AlreadyExists"
  | "Ambiguous"
  | "DeletionRefused"
  | "ChangeRejected"
  | "ChangedSincePlan"
  | "InvalidInputs"
  | "InvalidImportId"
  | "NotSupported"
  | "OutcomeUnknown"
  | "WrongKind"
  | "NotFound";

export abstract class Outcome extends Error {
  abstract readonly outcome: OutcomeName;
  /** The kind concerned ("Account"). */
  readonly kind: string;

  constructor(kind: string, message: string) {
    super(message);
    this.kind = kind;
    this.name = new.target.name;
    (this as unknown as Record<symbol, unknown>)[BRAND] = true;
  }
}

/** Whether `e` is a typed outcome (of the given name, if any). */
export function isOutcome<N extends OutcomeName>(e: unknown, name?: N): e is OutcomeOf<N> {
  if (!e || typeof e !== "object" || (e as Record<symbol, unknown>)[BRAND] !== true) return false;
  return name === undefined || (e as Outcome).outcome === name;
}

type OutcomeOf<N extends OutcomeName> = Extract<AnyOutcome, { outcome: N }>;

/** The object exists in Spot but a later step of its creation failed: track it (the id), then repair it. */
export class CreatedNotFinished extends Outcome {
  readonly outcome = "CreatedNotFinished" as const;
  constructor(
    kind: string,
    readonly id: string,
    /** What is known of the object now (at least its id fields). */
    readonly outputs: Props,
    /** The step that failed, in words ("setting its Slack channels"). */
    readonly step: string,
    readonly cause: unknown,
    /** How the object came to be tracked: created by this run, or taken over (adopted). */
    readonly how: "created" | "adopted" = "created",
  ) {
    super(
      kind,
      `${kind} ${id} was ${how === "adopted" ? "taken over" : "created"}, but ${step} failed: ${messageOf(cause)}`,
    );
  }
}

/** The natural key is taken: creating would make a second object (or Spot refuses it). */
export class AlreadyExists extends Outcome {
  readonly outcome = "AlreadyExists" as const;
  constructor(
    kind: string,
    readonly ids: string[],
    /** "named \"prod\"", "with e-mail a@b.c", "connected to AWS with role …". */
    readonly what: string,
    readonly note?: string,
  ) {
    super(
      kind,
      `${article(kind)} ${what} already exists${ids.length ? ` (${ids.join(", ")})` : ""}${note ? `; ${note}` : ""}`,
    );
  }
}

/** Several objects match the natural key, so it identifies none of them. */
export class Ambiguous extends Outcome {
  readonly outcome = "Ambiguous" as const;
  constructor(
    kind: string,
    readonly ids: string[],
    readonly what: string,
  ) {
    super(kind, `${ids.length} ${kind} objects are ${what} (${ids.join(", ")}), so that does not identify one`);
  }
}

/** A deletion (or a replacement, which deletes) that must not happen. */
export class DeletionRefused extends Outcome {
  readonly outcome = "DeletionRefused" as const;
  constructor(
    kind: string,
    readonly id: string | undefined,
    /** irreversible: allowDeletion is not set; protected: Spot itself will not delete it. */
    readonly reason: "irreversible" | "protected",
    /** "destroy" or "replace" (what would have deleted it). */
    readonly action: "delete" | "replace",
    readonly detail: string,
  ) {
    super(kind, `${kind}${id ? ` ${id}` : ""}: ${detail}`);
  }
}

/** A field Spot cannot change differs: neither an update nor a replacement can carry it out. */
export class ChangeRejected extends Outcome {
  readonly outcome = "ChangeRejected" as const;
  constructor(
    kind: string,
    readonly field: string,
    readonly hint: string | undefined,
    message: string,
  ) {
    super(kind, message);
  }
}

/** Live state moved after the plan was made: applying it would not do what was reviewed. */
export class ChangedSincePlan extends Outcome {
  readonly outcome = "ChangedSincePlan" as const;
  constructor(
    kind: string,
    readonly id: string | undefined,
    readonly fields: string[],
    readonly gone = false,
  ) {
    super(
      kind,
      gone
        ? `${kind} ${id} no longer exists in Spot (deleted since the plan)`
        : `${kind}${id ? ` ${id}` : ""} changed in Spot since the plan (${fields.join(", ")})`,
    );
  }
}

/** Inputs that fail the schema or the kind's checks. */
export class InvalidInputs extends Outcome {
  readonly outcome = "InvalidInputs" as const;
  constructor(
    kind: string,
    readonly failures: CheckFailure[],
  ) {
    super(kind, failures.map((f) => `${f.field} ${f.message}`).join("; "));
  }
}

export class InvalidImportId extends Outcome {
  readonly outcome = "InvalidImportId" as const;
  constructor(
    kind: string,
    readonly got: string,
    readonly format: string,
    readonly example: string,
    detail?: string,
  ) {
    super(kind, `import id ${detail ?? `must look like ${example} (${format})`}; got ${JSON.stringify(got)}`);
  }
}

/** Spot's API offers no way to do it (e.g. read or find an organization). */
export class NotSupported extends Outcome {
  readonly outcome = "NotSupported" as const;
  constructor(
    kind: string,
    readonly operation: "find" | "read" | "import" | "update",
    message: string,
  ) {
    super(kind, message);
  }
}

/** A create failed in a way that may have created the object anyway, and Spot cannot tell. */
export class OutcomeUnknown extends Outcome {
  readonly outcome = "OutcomeUnknown" as const;
  constructor(kind: string, message: string) {
    super(kind, message);
  }
}

/** The id names an object of another kind ("u-…" given as a programmatic user). */
export class WrongKind extends Outcome {
  readonly outcome = "WrongKind" as const;
  constructor(
    kind: string,
    readonly id: string,
    readonly actual: string,
  ) {
    super(kind, `${id} is ${article(actual)}, not ${article(kind)}; declare it as ${article(actual)}`);
  }
}

/** Adopting or importing: nothing matches. */
export class NotFound extends Outcome {
  readonly outcome = "NotFound" as const;
  constructor(
    kind: string,
    readonly by: { id?: string; key?: string },
  ) {
    super(
      kind,
      by.id !== undefined ? `no ${kind} with id "${by.id}" exists in Spot` : `no existing ${kind} matches ${by.key}`,
    );
  }
}

export type AnyOutcome =
  | CreatedNotFinished
  | AlreadyExists
  | Ambiguous
  | DeletionRefused
  | ChangeRejected
  | ChangedSincePlan
  | InvalidInputs
  | InvalidImportId
  | NotSupported
  | OutcomeUnknown
  | WrongKind
  | NotFound;

/** "an Account", "a User" (a leading U reads "you" in every kind name: User, UserGroup, UserAttachment). */
export function article(name: string): string {
  return `${/^[AEIOaeio]/.test(name) ? "an" : "a"} ${name}`;
}

export function messageOf(e: unknown): string {
  const m = (e as Error)?.message;
  return typeof m === "string" && m ? m.replace(/\s*\n\s*/g, " ").trim() : String(e);
}
