/**
 * The registry of resource kinds and lookups. Front-ends iterate over it; adding a kind here makes it a
 * Pulumi class, a Terraform resource (and CDKTF construct) and a GitOps kind.
 */
import type { Lookup, ResourceKind } from "./types";
import { accessPolicy } from "./access-policy";
import { userLookups as usersAreaLookups } from "./lookups-users";
import { notificationPolicy } from "./notification-policy";
import { programmaticUser } from "./programmatic-user";
import { user } from "./user";
import { userAttachment } from "./user-attachment";
import { userGroup } from "./user-group";

// Organization and accounts area (organizations, accounts, AWS external id, cloud connections).
import { organization } from "./organization";
import { account } from "./account";
import { awsExternalId } from "./aws-external-id";
import { awsConnection } from "./aws-connection";
import { azureConnection } from "./azure-connection";
import { gcpConnection } from "./gcp-connection";
import { organizationLookup, accountsLookup, accountLookup, auditEventsLookup } from "./lookups-accounts";
const accountKinds: ResourceKind<any, any>[] = [
  organization,
  account,
  awsExternalId,
  awsConnection,
  azureConnection,
  gcpConnection,
];
const accountLookups: Lookup<any, any>[] = [organizationLookup, accountsLookup, accountLookup, auditEventsLookup];
// Users and access area (users, programmatic users, attachments, groups, policies, notifications).
const userKinds: ResourceKind<any, any>[] = [
  user,
  programmaticUser,
  userAttachment,
  userGroup,
  accessPolicy,
  notificationPolicy,
];
const userLookups: Lookup<any, any>[] = usersAreaLookups;

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
