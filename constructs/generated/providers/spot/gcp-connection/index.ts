// https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/gcp_connection
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface GcpConnectionConfig extends cdktf.TerraformMetaArguments {
  /**
  * Id of the Spot account (act-…) to connect to GCP. Changing it replaces the object.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/gcp_connection#account_id GcpConnection#account_id}
  */
  readonly accountId: string;
  /**
  * The whole JSON key file of the service account, as downloaded from Google Cloud (IAM → Service accounts → Keys), instead of the individual fields. Secret: never shown or stored in plain text. Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/gcp_connection#service_account_key GcpConnection#service_account_key}
  */
  readonly serviceAccountKey?: string;
  /**
  * Key type; must be "service_account" (the default) (type in the JSON key file). Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/gcp_connection#type GcpConnection#type}
  */
  readonly type?: string;
  /**
  * Id of the GCP project Spot manages; required unless service_account_key is given (project_id in the JSON key file). Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/gcp_connection#project_id GcpConnection#project_id}
  */
  readonly projectId?: string;
  /**
  * Id of the key; required unless service_account_key is given. Secret (private_key_id in the JSON key file). Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/gcp_connection#private_key_id GcpConnection#private_key_id}
  */
  readonly privateKeyId?: string;
  /**
  * PEM private key (-----BEGIN PRIVATE KEY-----…); required unless service_account_key is given. Secret: never shown or stored in plain text (private_key in the JSON key file). Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/gcp_connection#private_key GcpConnection#private_key}
  */
  readonly privateKey?: string;
  /**
  * E-mail of the service account (…@<project>.iam.gserviceaccount.com); required unless service_account_key is given (client_email in the JSON key file). Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/gcp_connection#client_email GcpConnection#client_email}
  */
  readonly clientEmail?: string;
  /**
  * Numeric client id of the service account; required unless service_account_key is given (client_id in the JSON key file). Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/gcp_connection#client_id GcpConnection#client_id}
  */
  readonly clientId?: string;
  /**
  * OAuth authorization URI; default https://accounts.google.com/o/oauth2/auth (auth_uri in the JSON key file). Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/gcp_connection#auth_uri GcpConnection#auth_uri}
  */
  readonly authUri?: string;
  /**
  * OAuth token URI; default https://oauth2.googleapis.com/token (token_uri in the JSON key file). Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/gcp_connection#token_uri GcpConnection#token_uri}
  */
  readonly tokenUri?: string;
  /**
  * URL of Google's certificates; default https://www.googleapis.com/oauth2/v1/certs (auth_provider_x509_cert_url in the JSON key file). Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/gcp_connection#auth_provider_x509_cert_url GcpConnection#auth_provider_x509_cert_url}
  */
  readonly authProviderX509CertUrl?: string;
  /**
  * URL of the service account's certificates; default https://www.googleapis.com/robot/v1/metadata/x509/<client_email> (client_x509_cert_url in the JSON key file). Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/gcp_connection#client_x509_cert_url GcpConnection#client_x509_cert_url}
  */
  readonly clientX509CertUrl?: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/gcp_connection spot_gcp_connection}
*/
export class GcpConnection extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "spot_gcp_connection";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a GcpConnection resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the GcpConnection to import
  * @param importFromId The id of the existing GcpConnection that should be imported. Refer to the {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/gcp_connection#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the GcpConnection to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "spot_gcp_connection", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/gcp_connection spot_gcp_connection} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options GcpConnectionConfig
  */
  public constructor(scope: Construct, id: string, config: GcpConnectionConfig) {
    super(scope, id, {
      terraformResourceType: 'spot_gcp_connection',
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
    this._accountId = config.accountId;
    this._serviceAccountKey = config.serviceAccountKey;
    this._type = config.type;
    this._projectId = config.projectId;
    this._privateKeyId = config.privateKeyId;
    this._privateKey = config.privateKey;
    this._clientEmail = config.clientEmail;
    this._clientId = config.clientId;
    this._authUri = config.authUri;
    this._tokenUri = config.tokenUri;
    this._authProviderX509CertUrl = config.authProviderX509CertUrl;
    this._clientX509CertUrl = config.clientX509CertUrl;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
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

  // service_account_key - computed: false, optional: true, required: false
  private _serviceAccountKey?: string; 
  public get serviceAccountKey() {
    return this.getStringAttribute('service_account_key');
  }
  public set serviceAccountKey(value: string) {
    this._serviceAccountKey = value;
  }
  public resetServiceAccountKey() {
    this._serviceAccountKey = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get serviceAccountKeyInput() {
    return this._serviceAccountKey;
  }

  // service_account_key_version - computed: true, optional: false, required: false
  public get serviceAccountKeyVersion() {
    return this.getNumberAttribute('service_account_key_version');
  }

  // type - computed: true, optional: true, required: false
  private _type?: string; 
  public get type() {
    return this.getStringAttribute('type');
  }
  public set type(value: string) {
    this._type = value;
  }
  public resetType() {
    this._type = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get typeInput() {
    return this._type;
  }

  // project_id - computed: true, optional: true, required: false
  private _projectId?: string; 
  public get projectId() {
    return this.getStringAttribute('project_id');
  }
  public set projectId(value: string) {
    this._projectId = value;
  }
  public resetProjectId() {
    this._projectId = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get projectIdInput() {
    return this._projectId;
  }

  // private_key_id - computed: false, optional: true, required: false
  private _privateKeyId?: string; 
  public get privateKeyId() {
    return this.getStringAttribute('private_key_id');
  }
  public set privateKeyId(value: string) {
    this._privateKeyId = value;
  }
  public resetPrivateKeyId() {
    this._privateKeyId = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get privateKeyIdInput() {
    return this._privateKeyId;
  }

  // private_key_id_version - computed: true, optional: false, required: false
  public get privateKeyIdVersion() {
    return this.getNumberAttribute('private_key_id_version');
  }

  // private_key - computed: false, optional: true, required: false
  private _privateKey?: string; 
  public get privateKey() {
    return this.getStringAttribute('private_key');
  }
  public set privateKey(value: string) {
    this._privateKey = value;
  }
  public resetPrivateKey() {
    this._privateKey = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get privateKeyInput() {
    return this._privateKey;
  }

  // private_key_version - computed: true, optional: false, required: false
  public get privateKeyVersion() {
    return this.getNumberAttribute('private_key_version');
  }

  // client_email - computed: true, optional: true, required: false
  private _clientEmail?: string; 
  public get clientEmail() {
    return this.getStringAttribute('client_email');
  }
  public set clientEmail(value: string) {
    this._clientEmail = value;
  }
  public resetClientEmail() {
    this._clientEmail = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get clientEmailInput() {
    return this._clientEmail;
  }

  // client_id - computed: true, optional: true, required: false
  private _clientId?: string; 
  public get clientId() {
    return this.getStringAttribute('client_id');
  }
  public set clientId(value: string) {
    this._clientId = value;
  }
  public resetClientId() {
    this._clientId = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get clientIdInput() {
    return this._clientId;
  }

  // auth_uri - computed: true, optional: true, required: false
  private _authUri?: string; 
  public get authUri() {
    return this.getStringAttribute('auth_uri');
  }
  public set authUri(value: string) {
    this._authUri = value;
  }
  public resetAuthUri() {
    this._authUri = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get authUriInput() {
    return this._authUri;
  }

  // token_uri - computed: true, optional: true, required: false
  private _tokenUri?: string; 
  public get tokenUri() {
    return this.getStringAttribute('token_uri');
  }
  public set tokenUri(value: string) {
    this._tokenUri = value;
  }
  public resetTokenUri() {
    this._tokenUri = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get tokenUriInput() {
    return this._tokenUri;
  }

  // auth_provider_x509_cert_url - computed: true, optional: true, required: false
  private _authProviderX509CertUrl?: string; 
  public get authProviderX509CertUrl() {
    return this.getStringAttribute('auth_provider_x509_cert_url');
  }
  public set authProviderX509CertUrl(value: string) {
    this._authProviderX509CertUrl = value;
  }
  public resetAuthProviderX509CertUrl() {
    this._authProviderX509CertUrl = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get authProviderX509CertUrlInput() {
    return this._authProviderX509CertUrl;
  }

  // client_x509_cert_url - computed: true, optional: true, required: false
  private _clientX509CertUrl?: string; 
  public get clientX509CertUrl() {
    return this.getStringAttribute('client_x509_cert_url');
  }
  public set clientX509CertUrl(value: string) {
    this._clientX509CertUrl = value;
  }
  public resetClientX509CertUrl() {
    this._clientX509CertUrl = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get clientX509CertUrlInput() {
    return this._clientX509CertUrl;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      account_id: cdktf.stringToTerraform(this._accountId),
      service_account_key: cdktf.stringToTerraform(this._serviceAccountKey),
      type: cdktf.stringToTerraform(this._type),
      project_id: cdktf.stringToTerraform(this._projectId),
      private_key_id: cdktf.stringToTerraform(this._privateKeyId),
      private_key: cdktf.stringToTerraform(this._privateKey),
      client_email: cdktf.stringToTerraform(this._clientEmail),
      client_id: cdktf.stringToTerraform(this._clientId),
      auth_uri: cdktf.stringToTerraform(this._authUri),
      token_uri: cdktf.stringToTerraform(this._tokenUri),
      auth_provider_x509_cert_url: cdktf.stringToTerraform(this._authProviderX509CertUrl),
      client_x509_cert_url: cdktf.stringToTerraform(this._clientX509CertUrl),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      account_id: {
        value: cdktf.stringToHclTerraform(this._accountId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      service_account_key: {
        value: cdktf.stringToHclTerraform(this._serviceAccountKey),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      type: {
        value: cdktf.stringToHclTerraform(this._type),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      project_id: {
        value: cdktf.stringToHclTerraform(this._projectId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      private_key_id: {
        value: cdktf.stringToHclTerraform(this._privateKeyId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      private_key: {
        value: cdktf.stringToHclTerraform(this._privateKey),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      client_email: {
        value: cdktf.stringToHclTerraform(this._clientEmail),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      client_id: {
        value: cdktf.stringToHclTerraform(this._clientId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      auth_uri: {
        value: cdktf.stringToHclTerraform(this._authUri),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      token_uri: {
        value: cdktf.stringToHclTerraform(this._tokenUri),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      auth_provider_x509_cert_url: {
        value: cdktf.stringToHclTerraform(this._authProviderX509CertUrl),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      client_x509_cert_url: {
        value: cdktf.stringToHclTerraform(this._clientX509CertUrl),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
