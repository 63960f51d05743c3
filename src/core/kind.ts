/**
 * The contract between the core lifecycle and the resource kinds (src/resources): one `ResourceKind` per kind of
 * Spot object, holding its schema and how to read, create, update, delete and find it. Every operation takes one
 * request object, so a new parameter is one more optional key, not a change to twelve signatures.
 *
 * A kind knows nothing of Pulumi, Terraform or YAML. It reports what went wrong with the typed outcomes of
 * ./errors (AlreadyExists, CreatedNotFinished, …); each front-end words the remedy in its own terms.
 */
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
  /**
   * A secret input with no recorded hash to compare with (imported or adopted object, lost journal): it is
   * sent once so that the declared value is the one in effect, then remembered.
   */
  unverified?: boolean;
}

export interface DiffResult {
  changes: FieldChange[];
  /** True when any change has mode "replace". */
  replace: boolean;
  /** Changes with mode "reject" (known values only): planning fails with these messages. */
  rejected: { field: string; message: string; hint?: string; before: unknown; after: unknown }[];
}

/** What a resource operation runs with. The core builds one per organization (token): see ./context. */
export interface ResourceContext {
  client: SpotClient;
  /** Non-fatal notes for the user, e.g. "AwsConnection forgotten, not deleted: Spot has no DELETE". */
  warn(message: string): void;
}

export type Props = Record<string, any>;

/** An object found or created: its Spot id and its outputs. */
export interface Found<O extends Props = Props> {
  id: string;
  outputs: O;
}

export interface ReadRequest<O extends Props = Props> {
  ctx: ResourceContext;
  id: string;
  /**
   * What Spot never returns, from the caller's memory: local settings, secret hashes, a token returned once,
   * values Spot does not echo (an AWS external id). Any key may be missing: never infer more from an absent key
   * than "not known".
   */
  prior?: Partial<O>;
  /**
   * The optional fields the caller manages (declares). A kind may skip a costly read of a field nobody manages
   * (an account's Slack channels are only in the per-account GET). Undefined: the caller wants the whole object
   * (import, adopt).
   */
  manage?: ReadonlySet<string>;
}

export interface CreateRequest<I extends Props = Props> {
  ctx: ResourceContext;
  /** Checked inputs (defaults applied, no UNKNOWN). */
  inputs: I;
}

export interface UpdateRequest<I extends Props = Props, O extends Props = Props> {
  ctx: ResourceContext;
  id: string;
  inputs: I;
  /** The object as just read, completed with the caller's memory. */
  live: O;
  /** Only changes with mode "update" that touch Spot (local-only changes never reach a kind). */
  changes: FieldChange[];
}

export interface DeleteRequest<O extends Props = Props> {
  ctx: ResourceContext;
  id: string;
  live: O;
}

export interface FindRequest<I extends Props = Props> {
  ctx: ResourceContext;
  /** Checked inputs; only the natural key is needed. */
  inputs: I;
}

export interface ImportRequest {
  ctx: ResourceContext;
  /** As the user typed it (the kind's `importId.format`). */
  importId: string;
}

export interface VerifyRequest<I extends Props = Props> {
  ctx: ResourceContext;
  /** Checked inputs, every value known. */
  inputs: I;
}

export interface ListRequest {
  ctx: ResourceContext;
}

/**
 * One kind of Spot object. A module per kind (src/resources/<kind>.ts) exports one of these, holding the kind's
 * whole behaviour. The core lifecycle (./lifecycle) is its only caller.
 *
 * Conventions:
 * - Outputs hold every field of `fields` (inputs and outputs) with `undefined` removed; the id is separate.
 * - read() returns undefined when Spot says the object does not exist.
 * - Irreversible deletions are guarded by the core (allowDeletion), not by the kind.
 */
export interface ResourceKind<I extends Props = Props, O extends Props = Props> {
  /** Pulumi class name and GitOps kind, PascalCase: "Account". Terraform's `spot_<snake_case>` derives from it. */
  readonly name: string;
  readonly description: string;
  readonly fields: Fields;
  /** Import/adopt id: the documented format ("act-…", "<accountId>/<userId>"). */
  readonly importId: { format: string; example: string };
  /** Inputs that identify an existing object (used by find/adopt and by safe-to-retry create). */
  readonly naturalKey: readonly string[];
  /** Deleting cannot be undone (Organization, Account): refused unless `allowDeletion` is true. */
  readonly irreversibleDelete?: boolean;

  /** Cross-field checks the schema cannot express (run after the schema checks, once every value is known). */
  check?(inputs: I): CheckFailure[];
  /**
   * Checks that need Spot but change nothing (policy actions against Spot's action catalogue): run when a change
   * is planned with a context, and again before it is applied, so that a typo fails the plan, not the apply.
   */
  verify?(req: VerifyRequest<I>): Promise<CheckFailure[]>;
  read(req: ReadRequest<O>): Promise<O | undefined>;
  /**
   * Create. Must be safe to retry (the client re-checks with find() before re-posting) and must not create a
   * second object with a natural key that is taken (AlreadyExists). A create that Spot completed only in part
   * throws CreatedNotFinished with the id.
   */
  create(req: CreateRequest<I>): Promise<Found<O>>;
  /** Apply in-place changes. */
  update(req: UpdateRequest<I, O>): Promise<O>;
  /** Delete, or forget with ctx.warn where Spot has no DELETE. Deleting a gone object is not an error. */
  delete(req: DeleteRequest<O>): Promise<void>;
  /** Find an existing object matching the natural key of `inputs` (adopt, safe create, GitOps planning). */
  find(req: FindRequest<I>): Promise<Found<O> | undefined>;
  /**
   * Every object of this kind the token can see (GitOps prune and export enumerate with it). Absent where Spot
   * cannot enumerate the kind or deleting it is impossible (cloud connections).
   */
  list?(req: ListRequest): Promise<Found<O>[]>;
  /**
   * Only for kinds whose natural key Spot does not keep unique (accounts, programmatic users, notification
   * policies): every object that carries the natural key of `inputs` now, read from Spot (not from a cache), with
   * its creation time when Spot tells it. After a create the core keeps the oldest of them: two runs racing to
   * create one object end with one, the younger run deleting what it made.
   */
  twins?(req: FindRequest<I>): Promise<{ id: string; createdAt?: string }[]>;
  /** Why prune must never delete this live object (e.g. an organization admin), or undefined. */
  pruneGuard?(live: O): string | undefined;
  /** Read by import id (e.g. "<accountId>/<userId>"); defaults to read({id: importId}). */
  importById?(req: ImportRequest): Promise<Found<O> | undefined>;
  /**
   * Make live outputs comparable with desired inputs before the generic diff (e.g. drop the built-in viewer
   * policy Spot adds, apply server defaults). Must be pure. `desired` holds known values only: the core removes
   * UNKNOWN values (and the keys holding them) first.
   */
  normalizeLive?(live: O, desired: I): O;
}

/** A read-only query: a Pulumi function, a Terraform data source `spot_<snake_case>`, a CLI lookup. */
export interface Lookup<A extends Props = Props, R extends Props = Props> {
  /** Pulumi function name is `get<name>`. */
  readonly name: string;
  readonly description: string;
  readonly args: Fields;
  readonly result: Fields;
  run(ctx: ResourceContext, args: A): Promise<R>;
}
