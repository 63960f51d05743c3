/**
 * Program-side pieces: the base class every generated resource class extends, and `Connection`, the
 * per-resource choice of organization (token, base URL, account).
 */
import * as pulumi from "@pulumi/pulumi";
import type { Field, Fields, ResourceKind } from "../core";
import { loadRegistry } from "./host-client";
import { defaultRuntimeModule, providerFor } from "./provider";

/** The settings of one Spot organization (one token). */
export interface ConnectionArgs {
  /** A Spot API token for the organization. It is made secret here if it is not already. */
  token?: pulumi.Input<string>;
  /** API base URL, e.g. the local emulator's `http://127.0.0.1:8787`; default `https://api.spotinst.io`. */
  baseUrl?: pulumi.Input<string>;
  /** Default account id (`act-…`) for account-scoped calls. */
  account?: pulumi.Input<string>;
}

/**
 * An organization to manage resources in, for programs that manage several organizations with different
 * tokens. Pass it as the `connection` argument of any resource, or in the options of a lookup:
 *
 * ```ts
 * const orgB = new spot.Connection("org-b", { token: cfg.requireSecret("orgBToken") });
 * new spot.Account("a-prod", { name: "prod" }); // the stack's spot:token
 * new spot.Account("b-prod", { name: "prod", connection: orgB });
 * ```
 *
 * The token travels as a secret input and a secret output of each resource (delete and refresh only see
 * outputs), so it is encrypted in state and never part of the serialized provider code.
 */
export class Connection {
  readonly name: string;
  readonly token?: pulumi.Output<string>;
  readonly baseUrl?: pulumi.Input<string>;
  readonly account?: pulumi.Input<string>;

  constructor(name: string, args: ConnectionArgs) {
    if (!args || (args.token === undefined && args.baseUrl === undefined && args.account === undefined)) {
      throw new Error(`spot.Connection "${name}": give at least one of token, baseUrl, account`);
    }
    this.name = name;
    if (args.token !== undefined) this.token = pulumi.secret(args.token);
    this.baseUrl = args.baseUrl;
    this.account = args.account;
  }

  /** The resource property that carries this connection (secret as a whole: it holds the token). */
  toProperty(): pulumi.Output<{ token?: string; baseUrl?: string; account?: string }> {
    const value: Record<string, pulumi.Input<string>> = {};
    if (this.token !== undefined) value.token = this.token;
    if (this.baseUrl !== undefined) value.baseUrl = this.baseUrl;
    if (this.account !== undefined) value.account = this.account;
    return pulumi.secret(pulumi.output(value)) as pulumi.Output<{ token?: string; baseUrl?: string; account?: string }>;
  }
}

/** Arguments every Spot resource takes besides its own fields. */
export interface SpotResourceArgs {
  /**
   * Take over an existing object instead of creating one (dynamic resources cannot be `pulumi import`ed):
   * `true` finds it by its natural key (e.g. the account name), a string is its id. Differences in fields
   * Spot can update are then applied; differences in other fields fail with a message. Ignored once the
   * resource is in state.
   */
  adopt?: pulumi.Input<boolean | string>;
  /** The organization to manage it in; default: the stack's `spot:token`, `spot:baseUrl`, `spot:account`. */
  connection?: Connection;
}

export interface SpotResourceOptions extends pulumi.CustomResourceOptions {
  /**
   * Advanced (tests): module id of an alternative kind registry, resolvable from the program directory and
   * loadable by the provider host. Default: the registry shipped with spot-iac.
   */
  registry?: string;
}

const CONNECTION_KEY = "__connection";
const ADOPT_KEY = "__adopt";
const RESERVED = new Set(["id", "urn", "__provider", CONNECTION_KEY, ADOPT_KEY]);

/** The kind's schema, in the program: which properties to expose and which to keep secret. */
export function loadKind(kind: string, registry: string | undefined): ResourceKind {
  return loadRegistry(registry).kindByName(kind);
}

function secretFields(fields: Fields): string[] {
  return Object.entries(fields)
    .filter(([, f]: [string, Field]) => f.secret)
    .map(([k]) => k);
}

/**
 * A Spot object managed through the spot-iac dynamic provider. The generated classes (`spot.Account` …)
 * only add typed arguments and outputs; any registered kind can also be used by name.
 */
export class SpotResource extends pulumi.dynamic.Resource {
  constructor(kind: string, name: string, args: Record<string, any> | undefined, opts: SpotResourceOptions = {}) {
    const { registry, ...pulumiOpts } = opts;
    const k = loadKind(kind, registry);
    const { connection, adopt, ...given } = (args ?? {}) as Record<string, any> & SpotResourceArgs;
    if (connection !== undefined && !(connection instanceof Connection)) {
      throw new Error(
        `${kind} "${name}": connection must be a spot.Connection (new spot.Connection(name, { token, baseUrl }))`,
      );
    }
    const props: Record<string, any> = {};
    // Every field becomes a property (undefined = an output to be filled in); unknown names are passed
    // on so the provider's check reports them with the list of known fields.
    for (const key of Object.keys(k.fields)) if (!RESERVED.has(key)) props[key] = given[key];
    for (const [key, v] of Object.entries(given)) if (!(key in props) && !RESERVED.has(key)) props[key] = v;
    const secrets = secretFields(k.fields).filter((key) => !RESERVED.has(key));
    for (const key of secrets) if (props[key] !== undefined) props[key] = pulumi.secret(props[key]);
    if (connection) props[CONNECTION_KEY] = connection.toProperty();
    if (adopt !== undefined) props[ADOPT_KEY] = adopt;

    const additionalSecretOutputs = [
      ...new Set([...(pulumiOpts.additionalSecretOutputs ?? []), ...secrets, CONNECTION_KEY]),
    ];
    const modules = { runtime: defaultRuntimeModule(), registry: registry ?? "" };
    super(providerFor(kind, modules), name, props, { ...pulumiOpts, additionalSecretOutputs }, "spot", kind);
  }
}
