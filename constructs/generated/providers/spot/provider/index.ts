// https://registry.terraform.io/providers/spot-iac/spot/latest/docs
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface SpotProviderConfig {
  /**
  * Spot API token. Falls back to SPOTINST_TOKEN, then the credentials file (~/.spotinst/credentials, profile from SPOTINST_PROFILE).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs#token SpotProvider#token}
  */
  readonly token?: string;
  /**
  * Spot API base URL (default https://api.spotinst.io). Falls back to SPOTINST_BASE_URL; point it at the emulator for tests.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs#base_url SpotProvider#base_url}
  */
  readonly baseUrl?: string;
  /**
  * Default Spot account id (act-…) for account-scoped calls. Falls back to SPOTINST_ACCOUNT, then the credentials file.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs#account SpotProvider#account}
  */
  readonly account?: string;
  /**
  * Share (0 < x ≤ 1) of each of Spot's rate budgets this provider may use, for a token whose budget other tools share. Falls back to SPOT_IAC_API_SHARE, else 1.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs#api_share SpotProvider#api_share}
  */
  readonly apiShare?: number;
  /**
  * Alias name
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs#alias SpotProvider#alias}
  */
  readonly alias?: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs spot}
*/
export class SpotProvider extends cdktf.TerraformProvider {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "spot";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a SpotProvider resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the SpotProvider to import
  * @param importFromId The id of the existing SpotProvider that should be imported. Refer to the {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the SpotProvider to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "spot", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs spot} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options SpotProviderConfig = {}
  */
  public constructor(scope: Construct, id: string, config: SpotProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'spot',
      terraformGeneratorMetadata: {
        providerName: 'spot'
      },
      terraformProviderSource: 'spot-iac/spot'
    });
    this._token = config.token;
    this._baseUrl = config.baseUrl;
    this._account = config.account;
    this._apiShare = config.apiShare;
    this._alias = config.alias;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // token - computed: false, optional: true, required: false
  private _token?: string; 
  public get token() {
    return this._token;
  }
  public set token(value: string | undefined) {
    this._token = value;
  }
  public resetToken() {
    this._token = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get tokenInput() {
    return this._token;
  }

  // base_url - computed: false, optional: true, required: false
  private _baseUrl?: string; 
  public get baseUrl() {
    return this._baseUrl;
  }
  public set baseUrl(value: string | undefined) {
    this._baseUrl = value;
  }
  public resetBaseUrl() {
    this._baseUrl = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get baseUrlInput() {
    return this._baseUrl;
  }

  // account - computed: false, optional: true, required: false
  private _account?: string; 
  public get account() {
    return this._account;
  }
  public set account(value: string | undefined) {
    this._account = value;
  }
  public resetAccount() {
    this._account = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get accountInput() {
    return this._account;
  }

  // api_share - computed: false, optional: true, required: false
  private _apiShare?: number; 
  public get apiShare() {
    return this._apiShare;
  }
  public set apiShare(value: number | undefined) {
    this._apiShare = value;
  }
  public resetApiShare() {
    this._apiShare = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get apiShareInput() {
    return this._apiShare;
  }

  // alias - computed: false, optional: true, required: false
  private _alias?: string; 
  public get alias() {
    return this._alias;
  }
  public set alias(value: string | undefined) {
    this._alias = value;
  }
  public resetAlias() {
    this._alias = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get aliasInput() {
    return this._alias;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      token: cdktf.stringToTerraform(this._token),
      base_url: cdktf.stringToTerraform(this._baseUrl),
      account: cdktf.stringToTerraform(this._account),
      api_share: cdktf.numberToTerraform(this._apiShare),
      alias: cdktf.stringToTerraform(this._alias),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      token: {
        value: cdktf.stringToHclTerraform(this._token),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      base_url: {
        value: cdktf.stringToHclTerraform(this._baseUrl),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      account: {
        value: cdktf.stringToHclTerraform(this._account),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      api_share: {
        value: cdktf.numberToHclTerraform(this._apiShare),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      alias: {
        value: cdktf.stringToHclTerraform(this._alias),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
