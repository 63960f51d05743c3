/**
 * The registry of resource kinds and lookups. The core hands it to the front-ends; adding a kind here makes it a
 * Pulumi class, a Terraform resource (and CDKTF construct) and a GitOps kind.
 */
import type { Lookup, ResourceKind } from "../core/kind";
import { accessPolicy } from "./access-policy";
import { account } from "./account";
import { awsConnection } from "./aws-connection";
import { awsExternalId } from "./aws-external-id";
import { azureConnection } from "./azure-connection";
import { gcpConnection } from "./gcp-connection";
import { accountLookup, accountsLookup, auditEventsLookup, organizationLookup } from "./lookups-accounts";
import { userLookups } from "./lookups-users";
import { notificationPolicy } from "./notification-policy";
import { organization } from "./organization";
import { programmaticUser } from "./programmatic-user";
import { user } from "./user";
import { userAttachment } from "./user-attachment";
import { userGroup } from "./user-group";

export const kinds: ResourceKind[] = [
  // Organization and accounts area.
  organization,
  account,
  awsExternalId,
  awsConnection,
  azureConnection,
  gcpConnection,
  // Users and access area.
  user,
  programmaticUser,
  userAttachment,
  userGroup,
  accessPolicy,
  notificationPolicy,
] as ResourceKind[];

export const lookups: Lookup[] = [
  organizationLookup,
  accountsLookup,
  accountLookup,
  auditEventsLookup,
  ...userLookups,
] as Lookup[];

export function kindByName(name: string): ResourceKind {
  const k = kinds.find((x) => x.name === name);
  if (!k) throw new Error(`unknown resource kind "${name}"; known kinds: ${kinds.map((x) => x.name).join(", ")}`);
  return k;
}
