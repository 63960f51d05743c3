// https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/account
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface AccountConfig extends cdktf.TerraformMetaArguments {
  /**
  * Name of the account, as shown in the Spot console. Must contain at least one letter. Updated in place (renaming keeps the account id). spot-iac finds an existing account by this name when adopting, so keep names unique within the organization.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/account#name Account#name}
  */
  readonly name: string;
  /**
  * Slack incoming-webhook URLs (https://hooks.slack.com/services/…) that receive the account's notifications. Updated in place. Left out, the channels set in Spot are left alone; an empty list removes them all.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/account#slack_notification_channels Account#slack_notification_channels}
  */
  readonly slackNotificationChannels?: string[];
  /**
  * Deleting an account cannot be undone: spot-iac refuses to delete (or replace) it unless this is true, applied before the deletion. A setting of spot-iac only; never sent to Spot.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/account#allow_deletion Account#allow_deletion}
  */
  readonly allowDeletion?: boolean | cdktf.IResolvable;
}

/**
* Represents a {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/account spot_account}
*/
export class Account extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "spot_account";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a Account resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the Account to import
  * @param importFromId The id of the existing Account that should be imported. Refer to the {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/account#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the Account to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "spot_account", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/account spot_account} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options AccountConfig
  */
  public constructor(scope: Construct, id: string, config: AccountConfig) {
    super(scope, id, {
      terraformResourceType: 'spot_account',
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
    this._slackNotificationChannels = config.slackNotificationChannels;
    this._allowDeletion = config.allowDeletion;
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

  // slack_notification_channels - computed: true, optional: true, required: false
  private _slackNotificationChannels?: string[]; 
  public get slackNotificationChannels() {
    return cdktf.Fn.tolist(this.getListAttribute('slack_notification_channels'));
  }
  public set slackNotificationChannels(value: string[]) {
    this._slackNotificationChannels = value;
  }
  public resetSlackNotificationChannels() {
    this._slackNotificationChannels = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get slackNotificationChannelsInput() {
    return this._slackNotificationChannels;
  }

  // allow_deletion - computed: true, optional: true, required: false
  private _allowDeletion?: boolean | cdktf.IResolvable; 
  public get allowDeletion() {
    return this.getBooleanAttribute('allow_deletion');
  }
  public set allowDeletion(value: boolean | cdktf.IResolvable) {
    this._allowDeletion = value;
  }
  public resetAllowDeletion() {
    this._allowDeletion = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get allowDeletionInput() {
    return this._allowDeletion;
  }

  // account_id - computed: true, optional: false, required: false
  public get accountId() {
    return this.getStringAttribute('account_id');
  }

  // organization_id - computed: true, optional: false, required: false
  public get organizationId() {
    return this.getStringAttribute('organization_id');
  }

  // provider_external_id - computed: true, optional: false, required: false
  public get providerExternalId() {
    return this.getStringAttribute('provider_external_id');
  }

  // cloud_provider - computed: true, optional: false, required: false
  public get cloudProvider() {
    return this.getStringAttribute('cloud_provider');
  }

  // created_at - computed: true, optional: false, required: false
  public get createdAt() {
    return this.getStringAttribute('created_at');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      name: cdktf.stringToTerraform(this._name),
      slack_notification_channels: cdktf.listMapper(cdktf.stringToTerraform, false)(this._slackNotificationChannels),
      allow_deletion: cdktf.booleanToTerraform(this._allowDeletion),
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
      slack_notification_channels: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._slackNotificationChannels),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      allow_deletion: {
        value: cdktf.booleanToHclTerraform(this._allowDeletion),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
