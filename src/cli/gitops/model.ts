/** The GitOps CLI's data model: the loaded file, the plan, and what a run talks to. */
import type { ChangePlan, Props, ResourceContext, ResourceKind } from "../../core";
import type { KindLayout } from "./layout";

/** A path in the YAML document: keys and list indexes. */
export type DocPath = (string | number)[];

/** A position in the file (1-based). */
export interface Pos {
  line: number;
  col: number;
}

/** A problem in the file, pointing at where it is. */
export interface FileProblem {
  file: string;
  pos?: Pos;
  /** Readable path: `organizations[0].accounts[1].name`. */
  where: string;
  message: string;
}

export interface RefUse {
  /** Where the engine's inputs hold the id (`["policies", 0, "accountIds", 1]`). */
  inputPath: DocPath;
  docPath: DocPath;
  kind: string;
  /** The declared object's name, or undefined for `{ id }` / "*". */
  name?: string;
  /** A literal id (`{ id }` form or "*"). */
  id?: string;
}

export interface SecretUse {
  field: string;
  inputPath: DocPath;
  docPath: DocPath;
  env?: string;
  file?: string;
}

/** One object the file declares. */
export interface Declared {
  org: string;
  layout: KindLayout;
  kind: ResourceKind;
  /** Unique per kind within the organization. */
  name: string;
  /** `org/Kind/name`: unique in the run. */
  key: string;
  docPath: DocPath;
  /** The engine's inputs with references left as placeholders and secrets filled in. */
  inputs: Props;
  refs: RefUse[];
  secrets: SecretUse[];
  /** Output secrets to write: field → absolute path. */
  outputFiles: Record<string, string>;
  /** Keys of the declared objects this one refers to. */
  deps: string[];
  /** The Spot id the file pins (`id: act-…`): found by it instead of by name, so a rename is an update. */
  id?: string;
}

export interface OrgSpec {
  name: string;
  /** The variable holding the token: the pipeline's pattern applied to the name, never the file's choice. */
  tokenEnv: string;
  token?: string;
  /** Where the token is sent, normalised; the pipeline's choice or a `baseUrl:` it allows. */
  baseUrl?: string;
  /** Sections to prune. */
  prune: Set<string>;
  docPath: DocPath;
  objects: Declared[];
}

export interface SpotFile {
  path: string;
  dir: string;
  /** Real path of the directory every `…File` path stays in (the repository); output files are re-checked against it. */
  root: string;
  orgs: OrgSpec[];
  layouts: KindLayout[];
}

/** One audit event as the client returns it (the fields the receipt uses). */
export interface AuditEventLike {
  createdAt?: string;
  actionType?: string;
  resourceType?: string;
  resourceId?: string;
  user?: string;
  agent?: string;
  context?: string;
  responseStatus?: number;
  [k: string]: unknown;
}

/** What one organization is reached through. */
export interface OrgConnection {
  ctx: ResourceContext;
  organizationId?: string;
  auditTrail(runId: string, window: { from: Date; to: Date }): Promise<AuditEventLike[]>;
  /** Per-route request counts (the client's counters) for benchmarks. */
  requestCount?(): number;
}

export type Connect = (org: OrgSpec, runId: string) => Promise<OrgConnection>;

export type Action = "create" | "update" | "replace" | "delete" | "noop";

/** One field of a planned change, in the file's terms. */
export interface FieldView {
  field: string;
  before?: unknown;
  after?: unknown;
  secret?: boolean;
  /** This change is why the object is replaced. */
  forcesReplace?: boolean;
}

export interface PlanEntry {
  key: string;
  org: string;
  kind: string;
  name: string;
  action: Action;
  /** Live id (none for a create). */
  id?: string;
  fields: FieldView[];
  /** Keys of the entries this one waits for. */
  deps: string[];
  reason?: string;
  /** It could not be planned (the organization's errors say why): neither a change nor unchanged. */
  failed?: boolean;
  /** An update made only of secrets with no record to compare with (sent once, then remembered). */
  unverified?: boolean;
  /** Not serialized: the declared object (absent for prune deletes), the live outputs and the core's plan. */
  declared?: Declared;
  live?: Props;
  plan?: ChangePlan;
}

export interface OrgPlan {
  name: string;
  organizationId?: string;
  entries: PlanEntry[];
  warnings: string[];
  errors: string[];
}

export interface Plan {
  file: string;
  orgs: OrgPlan[];
}

/** Streams and environment a command runs with (the demo and tests pass their own). */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Colour and progress only on a terminal. */
  color: boolean;
  progress: boolean;
  /** Ask for confirmation; undefined when there is no terminal. */
  confirm?: (question: string) => Promise<boolean>;
}
