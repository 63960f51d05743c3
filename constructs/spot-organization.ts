/**
 * SpotOrganization: the accounts, console users and access policies of one Spot organization, as one
 * construct. Spot scopes everything by the API token: the organization is the one the `provider`'s token
 * belongs to, and every resource of the construct is created with that provider.
 */
import { Token } from "cdktf";
import type { TerraformMetaArguments, TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { AccessPolicy, type AccessPolicyConfig } from "./generated/providers/spot/access-policy";
import { DataSpotOrganization } from "./generated/providers/spot/data-spot-organization";
import { User, type UserConfig } from "./generated/providers/spot/user";
import { SpotAccount, type SpotAccountProps, type SpotUserDirectory } from "./spot-account";

type MetaArgument = keyof TerraformMetaArguments;

export type SpotOrganizationAccountProps = Omit<SpotAccountProps, "provider">;
/** A console user of the organization. `password` is write-only: pass a token, never a literal. */
export type SpotOrganizationUserProps = Omit<UserConfig, MetaArgument>;
export type SpotOrganizationAccessPolicyProps = Omit<AccessPolicyConfig, MetaArgument>;

export interface SpotOrganizationProps {
  /**
   * The spot provider whose token belongs to the organization (an alias per organization when an app
   * manages several); default: the stack's default spot provider.
   */
  readonly provider?: TerraformProvider;
  /** Console users of the organization, by construct id. Created before the accounts they are attached to. */
  readonly users?: Record<string, SpotOrganizationUserProps>;
  /** Organization-level access policies, by construct id. */
  readonly accessPolicies?: Record<string, SpotOrganizationAccessPolicyProps>;
  /**
   * Accounts, by construct id. A user attached by `userEmail` that is one of `users` is attached by id
   * instead, so the attachment waits for the user to exist (also for accounts added with addAccount).
   */
  readonly accounts?: Record<string, SpotOrganizationAccountProps>;
}

export class SpotOrganization extends Construct implements SpotUserDirectory {
  /** The organization of the provider's token (spot_organization data source). */
  readonly info: DataSpotOrganization;
  /** Numeric id of the organization, known at plan time. */
  readonly organizationId: string;
  readonly users: Record<string, User> = {};
  readonly accessPolicies: Record<string, AccessPolicy> = {};
  readonly accounts: Record<string, SpotAccount> = {};

  private readonly provider?: TerraformProvider;

  constructor(scope: Construct, id: string, props: SpotOrganizationProps = {}) {
    super(scope, id);
    this.provider = props.provider;
    this.info = new DataSpotOrganization(this, "organization", { provider: props.provider });
    this.organizationId = this.info.organizationId;
    for (const [key, p] of Object.entries(props.users ?? {})) this.addUser(key, p);
    for (const [key, p] of Object.entries(props.accessPolicies ?? {})) this.addAccessPolicy(key, p);
    for (const [key, p] of Object.entries(props.accounts ?? {})) this.addAccount(key, p);
  }

  addUser(id: string, props: SpotOrganizationUserProps): User {
    this.checkNew(this.users, "user", id);
    const user = new User(this, `user-${id}`, { ...props, provider: this.provider });
    this.users[id] = user;
    return user;
  }

  addAccessPolicy(id: string, props: SpotOrganizationAccessPolicyProps): AccessPolicy {
    this.checkNew(this.accessPolicies, "access policy", id);
    const policy = new AccessPolicy(this, `policy-${id}`, { ...props, provider: this.provider });
    this.accessPolicies[id] = policy;
    return policy;
  }

  addAccount(id: string, props: SpotOrganizationAccountProps): SpotAccount {
    this.checkNew(this.accounts, "account", id);
    const account = new SpotAccount(this, `account-${id}`, {
      ...props,
      provider: this.provider,
    });
    this.accounts[id] = account;
    return account;
  }

  /** The organization user with this e-mail (case-insensitive), if this construct manages it. */
  userByEmail(email: string): User | undefined {
    const lower = email.toLowerCase();
    for (const user of Object.values(this.users)) {
      const e = user.emailInput;
      if (e !== undefined && !Token.isUnresolved(e) && e.toLowerCase() === lower) return user;
    }
    return undefined;
  }

  private checkNew(existing: Record<string, unknown>, what: string, id: string): void {
    if (existing[id])
      throw new Error(`SpotOrganization "${this.node.path}": the ${what} "${id}" is declared twice; use another key`);
  }
}
