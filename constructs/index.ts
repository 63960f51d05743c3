/**
 * spot-iac's CDKTF layer (cdktf 0.21.0).
 *
 * - `spot`: the L1 bindings, one class per Terraform resource and data source of the spot-iac/spot provider,
 *   generated from the provider's schema (constructs/generated, `npm run generate:constructs`):
 *   `spot.account.Account`, `spot.userAttachment.UserAttachment`, `spot.dataSpotUsers.DataSpotUsers`, …
 * - `SpotProvider`: the provider block (token, base_url, account; each falls back to SPOTINST_* variables).
 * - L2 constructs for the common shapes: `SpotAccount` (an account with its cloud connection and attached
 *   users) and `SpotOrganization` (users, access policies and accounts of the token's organization).
 */
export * as spot from "./generated/providers/spot";
export { SpotProvider, type SpotProviderConfig } from "./generated/providers/spot/provider";
export {
  SpotAccount,
  type SpotAccountProps,
  type SpotAccountUserProps,
  type SpotAwsConnectionProps,
  type SpotAzureConnectionProps,
  type SpotGcpConnectionProps,
} from "./spot-account";
export {
  SpotOrganization,
  type SpotOrganizationProps,
  type SpotOrganizationAccountProps,
  type SpotOrganizationUserProps,
  type SpotOrganizationAccessPolicyProps,
} from "./spot-organization";
