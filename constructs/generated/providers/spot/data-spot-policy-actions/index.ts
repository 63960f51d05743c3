// https://registry.terraform.io/providers/spot-iac/spot/latest/docs/data-sources/policy_actions
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface DataSpotPolicyActionsConfig extends cdktf.TerraformMetaArguments {
  /**
  * Only actions of this service, e.g. "ocean".
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/data-sources/policy_actions#service DataSpotPolicyActions#service}
  */
  readonly service?: string;
  /**
  * Only actions of this scope: ACCOUNT or ORGANIZATION.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/data-sources/policy_actions#scope DataSpotPolicyActions#scope}
  */
  readonly scope?: string;
  /**
  * Only actions of this category: CREATE, READ, UPDATE or DELETE.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/data-sources/policy_actions#category DataSpotPolicyActions#category}
  */
  readonly category?: string;
}
export interface DataSpotPolicyActionsActions {
}

export function dataSpotPolicyActionsActionsToTerraform(struct?: DataSpotPolicyActionsActions): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function dataSpotPolicyActionsActionsToHclTerraform(struct?: DataSpotPolicyActionsActions): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class DataSpotPolicyActionsActionsOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): DataSpotPolicyActionsActions | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: DataSpotPolicyActionsActions | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // name - computed: true, optional: false, required: false
  public get name() {
    return this.getStringAttribute('name');
  }

  // service - computed: true, optional: false, required: false
  public get service() {
    return this.getStringAttribute('service');
  }

  // resource_pattern - computed: true, optional: false, required: false
  public get resourcePattern() {
    return this.getStringAttribute('resource_pattern');
  }

  // scope - computed: true, optional: false, required: false
  public get scope() {
    return this.getStringAttribute('scope');
  }

  // category - computed: true, optional: false, required: false
  public get category() {
    return this.getStringAttribute('category');
  }
}

export class DataSpotPolicyActionsActionsList extends cdktf.ComplexList {

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
  public get(index: number): DataSpotPolicyActionsActionsOutputReference {
    return new DataSpotPolicyActionsActionsOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/data-sources/policy_actions spot_policy_actions}
*/
export class DataSpotPolicyActions extends cdktf.TerraformDataSource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "spot_policy_actions";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a DataSpotPolicyActions resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DataSpotPolicyActions to import
  * @param importFromId The id of the existing DataSpotPolicyActions that should be imported. Refer to the {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/data-sources/policy_actions#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DataSpotPolicyActions to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "spot_policy_actions", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/data-sources/policy_actions spot_policy_actions} Data Source
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DataSpotPolicyActionsConfig = {}
  */
  public constructor(scope: Construct, id: string, config: DataSpotPolicyActionsConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'spot_policy_actions',
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
    this._service = config.service;
    this._scope = config.scope;
    this._category = config.category;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // service - computed: false, optional: true, required: false
  private _service?: string; 
  public get service() {
    return this.getStringAttribute('service');
  }
  public set service(value: string) {
    this._service = value;
  }
  public resetService() {
    this._service = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get serviceInput() {
    return this._service;
  }

  // scope - computed: false, optional: true, required: false
  private _scope?: string; 
  public get scope() {
    return this.getStringAttribute('scope');
  }
  public set scope(value: string) {
    this._scope = value;
  }
  public resetScope() {
    this._scope = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get scopeInput() {
    return this._scope;
  }

  // category - computed: false, optional: true, required: false
  private _category?: string; 
  public get category() {
    return this.getStringAttribute('category');
  }
  public set category(value: string) {
    this._category = value;
  }
  public resetCategory() {
    this._category = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get categoryInput() {
    return this._category;
  }

  // actions - computed: true, optional: false, required: false
  private _actions = new DataSpotPolicyActionsActionsList(this, "actions", false);
  public get actions() {
    return this._actions;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      service: cdktf.stringToTerraform(this._service),
      scope: cdktf.stringToTerraform(this._scope),
      category: cdktf.stringToTerraform(this._category),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      service: {
        value: cdktf.stringToHclTerraform(this._service),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      scope: {
        value: cdktf.stringToHclTerraform(this._scope),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      category: {
        value: cdktf.stringToHclTerraform(this._category),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
