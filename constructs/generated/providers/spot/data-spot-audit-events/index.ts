// https://registry.terraform.io/providers/spot-iac/spot/latest/docs/data-sources/audit_events
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface DataSpotAuditEventsConfig extends cdktf.TerraformMetaArguments {
  /**
  * Start of the window, inclusive (RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z, or Unix epoch milliseconds).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/data-sources/audit_events#from DataSpotAuditEvents#from}
  */
  readonly from: string;
  /**
  * End of the window, inclusive; default now (RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z, or Unix epoch milliseconds).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/data-sources/audit_events#to DataSpotAuditEvents#to}
  */
  readonly to?: string;
  /**
  * Only events of this account (act-…).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/data-sources/audit_events#account_id DataSpotAuditEvents#account_id}
  */
  readonly accountId?: string;
  /**
  * Only events of this spot-iac run (the run=… part of the User-Agent; printed by every run). Failed requests are included unless response_status is success.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/data-sources/audit_events#run_id DataSpotAuditEvents#run_id}
  */
  readonly runId?: string;
  /**
  * success: only requests Spot answered with 200; all: failed ones too. Default: "all" with run_id, else success (Spot's default).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/data-sources/audit_events#response_status DataSpotAuditEvents#response_status}
  */
  readonly responseStatus?: string;
}
export interface DataSpotAuditEventsEvents {
}

export function dataSpotAuditEventsEventsToTerraform(struct?: DataSpotAuditEventsEvents): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function dataSpotAuditEventsEventsToHclTerraform(struct?: DataSpotAuditEventsEvents): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class DataSpotAuditEventsEventsOutputReference extends cdktf.ComplexObject {
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

  public get internalValue(): DataSpotAuditEventsEvents | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: DataSpotAuditEventsEvents | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // created_at - computed: true, optional: false, required: false
  public get createdAt() {
    return this.getStringAttribute('created_at');
  }

  // user - computed: true, optional: false, required: false
  public get user() {
    return this.getStringAttribute('user');
  }

  // action_type - computed: true, optional: false, required: false
  public get actionType() {
    return this.getStringAttribute('action_type');
  }

  // resource_type - computed: true, optional: false, required: false
  public get resourceType() {
    return this.getStringAttribute('resource_type');
  }

  // resource_id - computed: true, optional: false, required: false
  public get resourceId() {
    return this.getStringAttribute('resource_id');
  }

  // account_id - computed: true, optional: false, required: false
  public get accountId() {
    return this.getStringAttribute('account_id');
  }

  // namespace - computed: true, optional: false, required: false
  public get namespace() {
    return this.getStringAttribute('namespace');
  }

  // source - computed: true, optional: false, required: false
  public get source() {
    return this.getStringAttribute('source');
  }

  // agent - computed: true, optional: false, required: false
  public get agent() {
    return this.getStringAttribute('agent');
  }

  // run_id - computed: true, optional: false, required: false
  public get runId() {
    return this.getStringAttribute('run_id');
  }

  // response_status - computed: true, optional: false, required: false
  public get responseStatus() {
    return this.getNumberAttribute('response_status');
  }

  // context - computed: true, optional: false, required: false
  public get context() {
    return this.getStringAttribute('context');
  }
}

export class DataSpotAuditEventsEventsList extends cdktf.ComplexList {

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
  public get(index: number): DataSpotAuditEventsEventsOutputReference {
    return new DataSpotAuditEventsEventsOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/data-sources/audit_events spot_audit_events}
*/
export class DataSpotAuditEvents extends cdktf.TerraformDataSource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "spot_audit_events";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a DataSpotAuditEvents resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DataSpotAuditEvents to import
  * @param importFromId The id of the existing DataSpotAuditEvents that should be imported. Refer to the {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/data-sources/audit_events#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DataSpotAuditEvents to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "spot_audit_events", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/data-sources/audit_events spot_audit_events} Data Source
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DataSpotAuditEventsConfig
  */
  public constructor(scope: Construct, id: string, config: DataSpotAuditEventsConfig) {
    super(scope, id, {
      terraformResourceType: 'spot_audit_events',
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
    this._from = config.from;
    this._to = config.to;
    this._accountId = config.accountId;
    this._runId = config.runId;
    this._responseStatus = config.responseStatus;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // from - computed: false, optional: false, required: true
  private _from?: string; 
  public get from() {
    return this.getStringAttribute('from');
  }
  public set from(value: string) {
    this._from = value;
  }
  // Temporarily expose input value. Use with caution.
  public get fromInput() {
    return this._from;
  }

  // to - computed: false, optional: true, required: false
  private _to?: string; 
  public get to() {
    return this.getStringAttribute('to');
  }
  public set to(value: string) {
    this._to = value;
  }
  public resetTo() {
    this._to = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get toInput() {
    return this._to;
  }

  // account_id - computed: false, optional: true, required: false
  private _accountId?: string; 
  public get accountId() {
    return this.getStringAttribute('account_id');
  }
  public set accountId(value: string) {
    this._accountId = value;
  }
  public resetAccountId() {
    this._accountId = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get accountIdInput() {
    return this._accountId;
  }

  // run_id - computed: false, optional: true, required: false
  private _runId?: string; 
  public get runId() {
    return this.getStringAttribute('run_id');
  }
  public set runId(value: string) {
    this._runId = value;
  }
  public resetRunId() {
    this._runId = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get runIdInput() {
    return this._runId;
  }

  // response_status - computed: false, optional: true, required: false
  private _responseStatus?: string; 
  public get responseStatus() {
    return this.getStringAttribute('response_status');
  }
  public set responseStatus(value: string) {
    this._responseStatus = value;
  }
  public resetResponseStatus() {
    this._responseStatus = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get responseStatusInput() {
    return this._responseStatus;
  }

  // events - computed: true, optional: false, required: false
  private _events = new DataSpotAuditEventsEventsList(this, "events", false);
  public get events() {
    return this._events;
  }

  // event_count - computed: true, optional: false, required: false
  public get eventCount() {
    return this.getNumberAttribute('event_count');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      from: cdktf.stringToTerraform(this._from),
      to: cdktf.stringToTerraform(this._to),
      account_id: cdktf.stringToTerraform(this._accountId),
      run_id: cdktf.stringToTerraform(this._runId),
      response_status: cdktf.stringToTerraform(this._responseStatus),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      from: {
        value: cdktf.stringToHclTerraform(this._from),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      to: {
        value: cdktf.stringToHclTerraform(this._to),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      account_id: {
        value: cdktf.stringToHclTerraform(this._accountId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      run_id: {
        value: cdktf.stringToHclTerraform(this._runId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      response_status: {
        value: cdktf.stringToHclTerraform(this._responseStatus),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
