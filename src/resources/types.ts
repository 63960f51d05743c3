import type { SpotClient } from "../api";
import type { Fields } from "./schema";

/** A problem with the inputs found before any API call. `field` is a dotted path ("policies.0.policyId"). */
export interface CheckFailure {
  field: string;
  message: string;
}

/** One field whose desired value differs from the live one. */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
  /** From the schema: how this change is carried out. */
  mode: "update" | "replace" | "reject";
  secret?: boolean;
}

export interface DiffResult {
  changes: FieldChange[];
  /** True when any change has mode "replace". */
  replace: boolean;
  /** Changes with mode "reject": planning must fail with these messages. */
  rejected: { field: string; message: string }[];
}

/** What a resource operation runs with. Front-ends build one per organization (token). */
export interface ResourceContext {
  client: SpotClient;
  /** Non-fatal notes for the user, e.g. "AwsConnection forgotten, not deleted: Spot has no DELETE". */
  warn(message: string): void;
}

export type Props = Record<string, any>;

/**
 * One kind of Spot object. A module per kind (src/resources/<kind>.ts) exports one of these, holding the
 * kind's whole behaviour; front-ends (Pulumi, Terraform, GitOps CLI) are thin adapters over it.
 *
 * Conventions:
 * - `inputs` passed to create/update/find have been through `checkInputs` (defaults applied, validated).
 * - Outputs hold every field of `fields` (inputs and outputs) with `undefined` removed; ids are in `id`.
 * - read() returns undefined when Spot says the object does not exist (the NotFoundError family).
 */
export interface ResourceKind<I extends Props = Props, O extends Props = Props> {
  /** Pulumi class name and GitOps kind, PascalCase: "Account". */
  readonly name: string;
  /** Terraform type is `spot_<tfName>`: "account", "aws_connection". */
  readonly tfName: string;
  readonly description: string;
  readonly fields: Fields;
  /** Import/adopt id: the documented format ("act-…", "<accountId>/<userId>") and how to parse it. */
  readonly importId: { format: string; example: string };
  /** Inputs that identify an existing object (used by find/adopt and by safe-to-retry create). */
  readonly naturalKey: readonly string[];
  /** Deleting cannot be undone (Organization, Account): refused unless the `allowDeletion` input is true. */
  readonly irreversibleDelete?: boolean;

  /** Cross-field checks the schema cannot express (schema-driven checks run first, in checkInputs). */
  check?(inputs: I): CheckFailure[];
  /**
   * The live object, or undefined when gone. `prior` carries what Spot never returns (local fields, secret
   * hashes, a token returned once). Stateful front-ends (Pulumi, Terraform) pass the last outputs; the stateless
   * GitOps CLI passes the declared non-secret inputs plus the secret hashes its journal recorded; an import
   * passes nothing. So any key may be missing: never infer more from an absent key than "not known".
   */
  read(ctx: ResourceContext, id: string, prior?: Partial<O>): Promise<O | undefined>;
  /** Create; must be safe to retry (the client re-checks with find() before re-posting). */
  create(ctx: ResourceContext, inputs: I): Promise<{ id: string; outputs: O }>;
  /** Apply in-place changes (only fields whose mode is "update" appear in `changes`). */
  update(ctx: ResourceContext, id: string, inputs: I, live: O, changes: FieldChange[]): Promise<O>;
  /** Delete, or forget with ctx.warn where Spot has no DELETE. */
  delete(ctx: ResourceContext, id: string, live: O): Promise<void>;
  /** Find an existing object matching the natural key of `inputs` (adopt, safe create). */
  find(ctx: ResourceContext, inputs: I): Promise<{ id: string; outputs: O } | undefined>;
  /**
   * Every object of this kind the token can see (GitOps prune enumerates with it). Absent where Spot cannot
   * enumerate the kind or deleting it is impossible (cloud connections).
   */
  list?(ctx: ResourceContext): Promise<{ id: string; outputs: O }[]>;
  /** Why prune must never delete this live object (e.g. an organization admin), or undefined. */
  pruneGuard?(live: O): string | undefined;
  /** Read by import id (e.g. "<accountId>/<userId>"); defaults to read(ctx, importId). */
  importById?(ctx: ResourceContext, importId: string): Promise<{ id: string; outputs: O } | undefined>;
  /**
   * Optional: make live outputs comparable with desired inputs before the generic diff (e.g. drop the
   * built-in viewer policy Spot adds, apply server defaults). Must be pure.
   */
  normalizeLive?(live: O, desired: I): O;
}

/** A read-only query: a Pulumi function, a Terraform data source, a CLI lookup. */
export interface Lookup<A extends Props = Props, R extends Props = Props> {
  /** Pulumi function name is `get<name>`, Terraform data source `spot_<tfName>`. */
  readonly name: string;
  readonly tfName: string;
  readonly description: string;
  readonly args: Fields;
  readonly result: Fields;
  run(ctx: ResourceContext, args: A): Promise<R>;
}
