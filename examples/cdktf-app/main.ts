/**
 * A CDKTF app declaring a Spot organization's administration with spot-iac's constructs: two accounts (one
 * connected to AWS, one to Azure), a console user attached to both — with a role on one and an access policy
 * on the other — and an organization access policy.
 *
 * Against the local emulator (no Spot account needed):
 *   spot-iac emulator --memory --token dev-token --port 8787 &
 *   export SPOTINST_TOKEN=dev-token SPOTINST_BASE_URL=http://127.0.0.1:8787
 *   export TF_VAR_azure_client_secret=... TF_CLI_CONFIG_FILE=$PWD/spot.tfrc   # from `spot-iac terraform install`
 *   node run.js && cd cdktf.out/stacks/spot-admin && terraform init && terraform apply
 *
 * The provider block carries no token: the provider reads SPOTINST_TOKEN (and SPOTINST_BASE_URL) when it runs,
 * so no secret is written to the synthesized configuration.
 */
import { App, LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import { SpotOrganization, SpotProvider } from "spot-iac/constructs";

export const STACK_NAME = "spot-admin";

export interface SpotAdminStackProps {
  /** Prefix of the account names, so several copies of the example can share one organization. */
  readonly namePrefix?: string;
  /** Apply `allowDeletion` so `terraform destroy` may delete the accounts (irreversible in Spot). */
  readonly allowDeletion?: boolean;
  /** Where Terraform keeps the state; default CDKTF's (terraform.<stack>.tfstate in the app's directory). */
  readonly stateFile?: string;
}

export class SpotAdminStack extends TerraformStack {
  readonly org: SpotOrganization;

  constructor(scope: Construct, id: string, props: SpotAdminStackProps = {}) {
    super(scope, id);
    const prefix = props.namePrefix ?? "example";
    if (props.stateFile) new LocalBackend(this, { path: props.stateFile });

    // token and base_url come from SPOTINST_TOKEN / SPOTINST_BASE_URL at apply time.
    new SpotProvider(this, "spot", {});

    const azureClientSecret = new TerraformVariable(this, "azure_client_secret", {
      type: "string",
      sensitive: true,
      description: "Client secret of the Azure app registration Spot uses (set TF_VAR_azure_client_secret).",
    });

    this.org = new SpotOrganization(this, "org", {
      users: {
        alice: { email: "alice@example.com", firstName: "Alice", lastName: "Liddell", role: "viewer" },
      },
      accessPolicies: {
        readers: {
          name: `${prefix}-account-readers`,
          description: "Read accounts and their credentials",
          statements: [
            { effect: "ALLOW", actions: ["setup:describeAccount", "setup:describeCredentials"], resources: ["*"] },
          ],
        },
      },
      accounts: {
        prod: {
          name: `${prefix}-prod-aws`,
          allowDeletion: props.allowDeletion,
          // In a real app the role is an aws_iam_role of the same stack, its trust policy requiring
          // sts:ExternalId = org.accounts.prod.externalId; Spot then assumes it.
          aws: { iamRole: "arn:aws:iam::123456789012:role/SpotAdminRole" },
          users: [{ userEmail: "alice@example.com", role: "editor" }],
        },
      },
    });

    // An account added after the others, so it can name the policy created above.
    const data = this.org.addAccount("data", {
      name: `${prefix}-data-azure`,
      allowDeletion: props.allowDeletion,
      azure: {
        clientId: "11111111-2222-3333-4444-555555555555",
        clientSecret: azureClientSecret.stringValue,
        tenantId: "66666666-7777-8888-9999-000000000000",
        subscriptionId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        expirationDate: "2030-12-31T23:59:00Z",
      },
    });
    data.addUser({ userEmail: "alice@example.com", policyIds: [this.org.accessPolicies.readers.policyId] });

    new TerraformOutput(this, "organization_id", { value: this.org.organizationId });
    new TerraformOutput(this, "prod_account_id", { value: this.org.accounts.prod.accountId });
    new TerraformOutput(this, "prod_external_id", {
      value: this.org.accounts.prod.externalId,
      description: "Put this in the IAM role's trust policy (sts:ExternalId).",
    });
    new TerraformOutput(this, "data_account_id", { value: data.accountId });
  }
}

/** Synthesize the app (cdktf.json's "app" runs this through run.js). */
export function main(outdir?: string, props: SpotAdminStackProps = {}): App {
  const app = new App(outdir ? { outdir } : {});
  new SpotAdminStack(app, STACK_NAME, props);
  app.synth();
  return app;
}
