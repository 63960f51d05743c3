// https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/programmatic_user
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface ProgrammaticUserConfig extends cdktf.TerraformMetaArguments {
  /**
  * Name of the programmatic user; cannot contain + = @. Spot has no endpoint to change it: a change replaces the programmatic user, which mints a new token (the old one stops working).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/programmatic_user#name ProgrammaticUser#name}
  */
  readonly name: string;
  /**
  * What the programmatic user is for. Spot has no endpoint to change it: a change replaces the programmatic user, which mints a new token (the old one stops working).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/programmatic_user#description ProgrammaticUser#description}
  */
  readonly description?: string;
  /**
  * Role-based access: a role on each of these accounts. Exclusive with policies. Spot cannot remove an account from a programmatic user, so a change here replaces it (a new token is minted).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/programmatic_user#accounts ProgrammaticUser#accounts}
  */
  readonly accounts?: ProgrammaticUserAccounts[] | cdktf.IResolvable;
  /**
  * Access policies mapped directly to the programmatic user, each with the accounts it applies to. Updated in place (the whole mapping is replaced). Exclusive with accounts.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/programmatic_user#policies ProgrammaticUser#policies}
  */
  readonly policies?: ProgrammaticUserPolicies[] | cdktf.IResolvable;
  /**
  * User groups the programmatic user belongs to (ugr-…). Updated in place. Omit it to leave membership alone (e.g. when groups list their members with UserGroup.userIds: manage membership in one place only); [] removes the programmatic user from every group.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/programmatic_user#user_group_ids ProgrammaticUser#user_group_ids}
  */
  readonly userGroupIds?: string[];
  /**
  * RSA public key (PEM, at least 2048 bits). Spot returns token only once, at creation; with this key set the provider stores it in encrypted_token sealed to the key, otherwise it is discarded. Decrypt with `spot-iac terraform decrypt --key <private.pem>`. Changing it later does not re-seal the existing value; replace the resource to get a new token sealed to the new key.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/programmatic_user#token_public_key ProgrammaticUser#token_public_key}
  */
  readonly tokenPublicKey?: string;
}
export interface ProgrammaticUserAccounts {
  /**
  * Account id (act-…).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/programmatic_user#account_id ProgrammaticUser#account_id}
  */
  readonly accountId: string;
  /**
  * viewer or editor.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/programmatic_user#role ProgrammaticUser#role}
  */
  readonly role: string;
}

export function programmaticUserAccountsToTerraform(struct?: ProgrammaticUserAccounts | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    account_id: cdktf.stringToTerraform(struct!.accountId),
    role: cdktf.stringToTerraform(struct!.role),
  }
}


export function programmaticUserAccountsToHclTerraform(struct?: ProgrammaticUserAccounts | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    account_id: {
      value: cdktf.stringToHclTerraform(struct!.accountId),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    role: {
      value: cdktf.stringToHclTerraform(struct!.role),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class ProgrammaticUserAccountsOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): ProgrammaticUserAccounts | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._accountId !== undefined) {
      hasAnyValues = true;
      internalValueResult.accountId = this._accountId;
    }
    if (this._role !== undefined) {
      hasAnyValues = true;
      internalValueResult.role = this._role;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ProgrammaticUserAccounts | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._accountId = undefined;
      this._role = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._accountId = value.accountId;
      this._role = value.role;
    }
  }

  // account_id - computed: false, optional: false, required: true
  private _accountId?: string; 
  public get accountId() {
    return this.getStringAttribute('account_id');
  }
  public set accountId(value: string) {
    this._accountId = value;
  }
  // Temporarily expose input value. Use with caution.
  public get accountIdInput() {
    return this._accountId;
  }

  // role - computed: false, optional: false, required: true
  private _role?: string; 
  public get role() {
    return this.getStringAttribute('role');
  }
  public set role(value: string) {
    this._role = value;
  }
  // Temporarily expose input value. Use with caution.
  public get roleInput() {
    return this._role;
  }
}

export class ProgrammaticUserAccountsList extends cdktf.ComplexList {
  public internalValue? : ProgrammaticUserAccounts[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): ProgrammaticUserAccountsOutputReference {
    return new ProgrammaticUserAccountsOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface ProgrammaticUserPolicies {
  /**
  * Id of the access policy (pol-…, or a built-in policy such as "3", the account viewer).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/programmatic_user#policy_id ProgrammaticUser#policy_id}
  */
  readonly policyId: string;
  /**
  * Accounts the policy applies to; "*" means every current and future account. Empty for organization-scope policies.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/programmatic_user#account_ids ProgrammaticUser#account_ids}
  */
  readonly accountIds: string[];
}

export function programmaticUserPoliciesToTerraform(struct?: ProgrammaticUserPolicies | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    policy_id: cdktf.stringToTerraform(struct!.policyId),
    account_ids: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.accountIds),
  }
}


export function programmaticUserPoliciesToHclTerraform(struct?: ProgrammaticUserPolicies | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    policy_id: {
      value: cdktf.stringToHclTerraform(struct!.policyId),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    account_ids: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.accountIds),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class ProgrammaticUserPoliciesOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): ProgrammaticUserPolicies | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._policyId !== undefined) {
      hasAnyValues = true;
      internalValueResult.policyId = this._policyId;
    }
    if (this._accountIds !== undefined) {
      hasAnyValues = true;
      internalValueResult.accountIds = this._accountIds;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ProgrammaticUserPolicies | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._policyId = undefined;
      this._accountIds = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._policyId = value.policyId;
      this._accountIds = value.accountIds;
    }
  }

  // policy_id - computed: false, optional: false, required: true
  private _policyId?: string; 
  public get policyId() {
    return this.getStringAttribute('policy_id');
  }
  public set policyId(value: string) {
    this._policyId = value;
  }
  // Temporarily expose input value. Use with caution.
  public get policyIdInput() {
    return this._policyId;
  }

  // account_ids - computed: false, optional: false, required: true
  private _accountIds?: string[]; 
  public get accountIds() {
    return cdktf.Fn.tolist(this.getListAttribute('account_ids'));
  }
  public set accountIds(value: string[]) {
    this._accountIds = value;
  }
  // Temporarily expose input value. Use with caution.
  public get accountIdsInput() {
    return this._accountIds;
  }
}

export class ProgrammaticUserPoliciesList extends cdktf.ComplexList {
  public internalValue? : ProgrammaticUserPolicies[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): ProgrammaticUserPoliciesOutputReference {
    return new ProgrammaticUserPoliciesOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/programmatic_user spot_programmatic_user}
*/
export class ProgrammaticUser extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "spot_programmatic_user";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a ProgrammaticUser resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the ProgrammaticUser to import
  * @param importFromId The id of the existing ProgrammaticUser that should be imported. Refer to the {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/programmatic_user#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the ProgrammaticUser to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "spot_programmatic_user", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/programmatic_user spot_programmatic_user} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options ProgrammaticUserConfig
  */
  public constructor(scope: Construct, id: string, config: ProgrammaticUserConfig) {
    super(scope, id, {
      terraformResourceType: 'spot_programmatic_user',
      terraformGeneratorMetadata: {
        providerName: 'spot'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._name = config.name;
    this._description = config.description;
    this._accounts.internalValue = config.accounts;
    this._policies.internalValue = config.policies;
    this._userGroupIds = config.userGroupIds;
    this._tokenPublicKey = config.tokenPublicKey;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // name - computed: false, optional: false, required: true
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // description - computed: false, optional: true, required: false
  private _description?: string; 
  public get description() {
    return this.getStringAttribute('description');
  }
  public set description(value: string) {
    this._description = value;
  }
  public resetDescription() {
    this._description = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get descriptionInput() {
    return this._description;
  }

  // accounts - computed: false, optional: true, required: false
  private _accounts = new ProgrammaticUserAccountsList(this, "accounts", true);
  public get accounts() {
    return this._accounts;
  }
  public putAccounts(value: ProgrammaticUserAccounts[] | cdktf.IResolvable) {
    this._accounts.internalValue = value;
  }
  public resetAccounts() {
    this._accounts.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get accountsInput() {
    return this._accounts.internalValue;
  }

  // policies - computed: false, optional: true, required: false
  private _policies = new ProgrammaticUserPoliciesList(this, "policies", true);
  public get policies() {
    return this._policies;
  }
  public putPolicies(value: ProgrammaticUserPolicies[] | cdktf.IResolvable) {
    this._policies.internalValue = value;
  }
  public resetPolicies() {
    this._policies.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get policiesInput() {
    return this._policies.internalValue;
  }

  // user_group_ids - computed: true, optional: true, required: false
  private _userGroupIds?: string[]; 
  public get userGroupIds() {
    return cdktf.Fn.tolist(this.getListAttribute('user_group_ids'));
  }
  public set userGroupIds(value: string[]) {
    this._userGroupIds = value;
  }
  public resetUserGroupIds() {
    this._userGroupIds = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get userGroupIdsInput() {
    return this._userGroupIds;
  }

  // token_public_key - computed: false, optional: true, required: false
  private _tokenPublicKey?: string; 
  public get tokenPublicKey() {
    return this.getStringAttribute('token_public_key');
  }
  public set tokenPublicKey(value: string) {
    this._tokenPublicKey = value;
  }
  public resetTokenPublicKey() {
    this._tokenPublicKey = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get tokenPublicKeyInput() {
    return this._tokenPublicKey;
  }

  // encrypted_token - computed: true, optional: false, required: false
  public get encryptedToken() {
    return this.getStringAttribute('encrypted_token');
  }

  // user_id - computed: true, optional: false, required: false
  public get userId() {
    return this.getStringAttribute('user_id');
  }

  // organization_id - computed: true, optional: false, required: false
  public get organizationId() {
    return this.getStringAttribute('organization_id');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      name: cdktf.stringToTerraform(this._name),
      description: cdktf.stringToTerraform(this._description),
      accounts: cdktf.listMapper(programmaticUserAccountsToTerraform, false)(this._accounts.internalValue),
      policies: cdktf.listMapper(programmaticUserPoliciesToTerraform, false)(this._policies.internalValue),
      user_group_ids: cdktf.listMapper(cdktf.stringToTerraform, false)(this._userGroupIds),
      token_public_key: cdktf.stringToTerraform(this._tokenPublicKey),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      description: {
        value: cdktf.stringToHclTerraform(this._description),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      accounts: {
        value: cdktf.listMapperHcl(programmaticUserAccountsToHclTerraform, false)(this._accounts.internalValue),
        isBlock: true,
        type: "set",
        storageClassType: "ProgrammaticUserAccountsList",
      },
      policies: {
        value: cdktf.listMapperHcl(programmaticUserPoliciesToHclTerraform, false)(this._policies.internalValue),
        isBlock: true,
        type: "set",
        storageClassType: "ProgrammaticUserPoliciesList",
      },
      user_group_ids: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._userGroupIds),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      token_public_key: {
        value: cdktf.stringToHclTerraform(this._tokenPublicKey),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
