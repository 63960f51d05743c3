/**
 * The registry of resource kinds and lookups. Front-ends iterate over it; adding a kind here makes it a
 * Pulumi class, a Terraform resource (and CDKTF construct) and a GitOps kind.
 */
import type { Lookup, ResourceKind } from "./types";

// Organization and accounts area (organizations, accounts, AWS external id, cloud connections).
const accountKinds: ResourceKind<any, any>[] = [];
const accountLookups: Lookup<any, any>[] = [];
// Users and access area (users, programmatic users, attachments, groups, policies, notifications).
const userKinds: ResourceKind<any, any>[] = [];
const userLookups: Lookup<any, any>[] = [];

export const kinds: ResourceKind[] = [...accountKinds, ...userKinds];
export const lookups: Lookup[] = [...accountLookups, ...userLookups];

export function kindByName(name: string): ResourceKind {
  const k = kinds.find((x) => x.name === name);
  if (!k) throw new Error(`unknown resource kind "${name}"; known kinds: ${kinds.map((x) => x.name).join(", ")}`);
  return k;
}

export * from "./types";
export * from "./schema";
export * from "./engine";
