/**
 * The declarative schema every resource kind is described by. It is the single source of truth for:
 * Pulumi input/output types, the Terraform schema (and through it the CDKTF bindings), the GitOps file's
 * JSON Schema, documentation tables and input validation. Front-ends never hand-write a field list.
 */

export type ScalarType = "string" | "number" | "bool";

export type FieldType =
  | ScalarType
  /** Ordered list: order is significant and diffed as such. */
  | { list: FieldType }
  /** Unordered collection: the diff sorts both sides, so server reordering never shows as a change. */
  | { set: FieldType }
  | { map: FieldType }
  /** A nested object with its own fields (Terraform renders it as a nested attribute). */
  | { object: Record<string, Field> };

/**
 * What a change to an input does. Every input is exactly one of these; nothing is silently ignored.
 * - "update": Spot has an endpoint that changes it in place (or the field is local to spot-iac).
 * - "replace": the object must be deleted and created again (Terraform's RequiresReplace).
 * - "reject": Spot cannot change it and replacing would lose data; planning fails with `rejectHint`.
 */
export type OnChange = "update" | "replace" | "reject";

export interface Field {
  type: FieldType;
  /** One or two sentences; rendered into Terraform docs, Pulumi doc comments and the YAML JSON Schema. */
  description: string;
  /** An input the user must give. */
  required?: boolean;
  /** An input the user may give. A field that is neither required nor optional is an output only. */
  optional?: boolean;
  /** Filled from Spot. With `optional`, the server's value is kept when the user gives none. */
  computed?: boolean;
  /** Password, token, client secret, private key: secret in Pulumi, sensitive/write-only in Terraform, redacted everywhere. */
  secret?: boolean;
  /** For inputs: how a change is carried out (default "update"). */
  onChange?: OnChange;
  /** For onChange "reject": the sentence telling the user what to do instead. */
  rejectHint?: string;
  /** Applied by check() when the user gives nothing. */
  default?: unknown;
  /** Allowed values for strings (or the elements of a string list/set). */
  enum?: readonly string[];
  /**
   * The value is the id of another kind (e.g. "Account"). The GitOps file writes the other object's name
   * instead and the CLI resolves it; it also orders creation.
   */
  ref?: string;
  /**
   * An output that never changes once the object exists (ids, creation time). An in-place update plans it as
   * its current value instead of "known after apply", so what references it (e.g. an account id) is not
   * needlessly replaced. Wrong here means Terraform's "inconsistent result after apply": mark only what Spot
   * cannot change.
   */
  stable?: boolean;
  /** Never sent to Spot and never read back: a setting of spot-iac itself (e.g. allowDeletion). */
  local?: boolean;
  /** Extra validation: return a message saying what is wrong and how to fix it, or undefined. */
  validate?: (value: any) => string | undefined;
}

export type Fields = Record<string, Field>;

export function isInput(f: Field): boolean {
  return !!(f.required || f.optional);
}

export function isOutputOnly(f: Field): boolean {
  return !isInput(f);
}

/** camelCase → snake_case for Terraform attribute names ("organizationId" → "organization_id"). */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

/** Terraform's name for a kind or lookup: "AwsConnection" → "aws_connection". Derived, never declared. */
export function tfNameOf(name: string): string {
  return snakeCase(name);
}
