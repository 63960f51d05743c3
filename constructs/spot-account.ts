/**
 * SpotAccount: one Spot account with its cloud connection and the users attached to it, as one construct
 * over the generated L1 resources (spot_account, spot_aws_external_id + spot_aws_connection,
 * spot_azure_connection or spot_gcp_connection, spot_user_attachment).
 */
import { Annotations, Token } from "cdktf";
import type { ITerraformDependable, TerraformMetaArguments, TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { Account } from "./generated/providers/spot/account";
import { AwsConnection } from "./generated/providers/spot/aws-connection";
import { AwsExternalId } from "./generated/providers/spot/aws-external-id";
import { AzureConnection, type AzureConnectionConfig } from "./generated/providers/spot/azure-connection";
import { GcpConnection, type GcpConnectionConfig } from "./generated/providers/spot/gcp-connection";
import type { User } from "./generated/providers/spot/user";
import { UserAttachment, type UserAttachmentConfig } from "./generated/providers/spot/user-attachment";

type MetaArgument = keyof TerraformMetaArguments;

/** The AWS side: Spot assumes `iamRole`, whose trust policy must require `externalId` (sts:ExternalId). */
export interface SpotAwsConnectionProps {
  /**
   * ARN of the IAM role Spot assumes (arn:aws:iam::123456789012:role/SpotRole). Usually a token of the role
   * created in the same app, whose trust policy uses this construct's `externalId`. Leave it out to create
   * only the external id, for a role made later.
   */
  readonly iamRole?: string;
  /**
   * An external id you already generated with Spot. By default the construct asks Spot for one
   * (spot_aws_external_id) and exposes it as `SpotAccount.externalId`.
   */
  readonly externalId?: string;
}

/**
 * The Azure service principal Spot uses. `clientSecret` is write-only: pass a sensitive TerraformVariable
 * (or another token), never a literal, or it is written in plain text to the synthesized cdk.tf.json.
 */
export type SpotAzureConnectionProps = Omit<AzureConnectionConfig, "accountId" | MetaArgument>;

/**
 * The GCP service-account key Spot uses: `serviceAccountKey` (the whole JSON key file) or its fields one by
 * one. The key is write-only: pass a token (a sensitive TerraformVariable, Fn.file of a git-ignored file).
 */
export type SpotGcpConnectionProps = Omit<GcpConnectionConfig, "accountId" | MetaArgument>;

/** A console user attached to the account, with a role (viewer | editor) or access policies. */
export interface SpotAccountUserProps extends Omit<UserAttachmentConfig, "accountId" | MetaArgument> {
  /** A user created in the same app: attaches it by id and orders the attachment after it. */
  readonly user?: User;
  /**
   * Construct id of the attachment (default: the e-mail, the user id, or the user construct's id). Needed
   * only when the user is named by a token; keep it stable, since a changed id re-creates the attachment.
   */
  readonly key?: string;
}

export interface SpotAccountProps {
  /** Name of the account, as shown in the Spot console; renaming updates it in place. */
  readonly name: string;
  /** Slack incoming-webhook URLs that receive the account's notifications. */
  readonly slackNotificationChannels?: string[];
  /** Deleting an account cannot be undone: destroy is refused unless this is true (applied first). */
  readonly allowDeletion?: boolean;
  /** Connect the account to AWS (at most one of aws, azure, gcp). */
  readonly aws?: SpotAwsConnectionProps;
  /** Connect the account to an Azure subscription (at most one of aws, azure, gcp). */
  readonly azure?: SpotAzureConnectionProps;
  /** Connect the account to a GCP project (at most one of aws, azure, gcp). */
  readonly gcp?: SpotGcpConnectionProps;
  /** Existing console users (or users of this app) to attach to the account. */
  readonly users?: SpotAccountUserProps[];
  /** The spot provider (token, base URL) for every resource of the construct; default: the stack's. */
  readonly provider?: TerraformProvider;
  /** Resources the account must wait for. */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A scope that knows users of the same app by e-mail (SpotOrganization). An account placed in one attaches
 * such a user by id, so the attachment waits for the user to be created.
 */
export interface SpotUserDirectory {
  userByEmail(email: string): User | undefined;
}

function isUserDirectory(x: unknown): x is SpotUserDirectory {
  return typeof (x as Partial<SpotUserDirectory> | undefined)?.userByEmail === "function";
}

const CLOUDS = ["aws", "azure", "gcp"] as const;

/** A construct id from a user-given value: readable, and free of the path separator. */
function idFrom(value: string): string {
  return value.replace(/\//g, "_");
}

export class SpotAccount extends Construct {
  /** The spot_account resource. */
  readonly account: Account;
  /** The account id (act-…), known after apply. */
  readonly accountId: string;
  /** The external id Spot issued (created by this construct unless `aws.externalId` was given). */
  readonly awsExternalId?: AwsExternalId;
  /** The external id to require in the IAM role's trust policy (sts:ExternalId). */
  readonly externalId?: string;
  readonly awsConnection?: AwsConnection;
  readonly azureConnection?: AzureConnection;
  readonly gcpConnection?: GcpConnection;
  /** The user attachments, in the order given (addUser appends). */
  readonly attachments: UserAttachment[] = [];

  private readonly provider?: TerraformProvider;

  constructor(scope: Construct, id: string, props: SpotAccountProps) {
    super(scope, id);
    const clouds = CLOUDS.filter((c) => props[c] !== undefined);
    if (clouds.length > 1)
      throw new Error(
        `SpotAccount "${this.node.path}": give at most one cloud connection (aws, azure or gcp); got ${clouds.join(" and ")}. ` +
          "A Spot account is connected to one cloud account: declare one SpotAccount per cloud account.",
      );
    this.provider = props.provider;
    this.account = new Account(this, "account", {
      name: props.name,
      slackNotificationChannels: props.slackNotificationChannels,
      allowDeletion: props.allowDeletion,
      provider: props.provider,
      dependsOn: props.dependsOn,
    });
    this.accountId = this.account.accountId;

    if (props.aws) {
      const { iamRole, externalId } = props.aws;
      if (externalId === undefined) {
        this.awsExternalId = new AwsExternalId(this, "aws-external-id", {
          accountId: this.accountId,
          provider: props.provider,
        });
        this.externalId = this.awsExternalId.externalId;
      } else this.externalId = externalId;
      if (iamRole !== undefined)
        this.awsConnection = new AwsConnection(this, "aws-connection", {
          accountId: this.accountId,
          iamRole,
          externalId: this.externalId,
          provider: props.provider,
        });
    }
    if (props.azure) {
      this.warnIfLiteral("azure.clientSecret", props.azure.clientSecret);
      this.azureConnection = new AzureConnection(this, "azure-connection", {
        ...props.azure,
        accountId: this.accountId,
        provider: props.provider,
      });
    }
    if (props.gcp) {
      this.warnIfLiteral("gcp.serviceAccountKey", props.gcp.serviceAccountKey);
      this.warnIfLiteral("gcp.privateKey", props.gcp.privateKey);
      this.warnIfLiteral("gcp.privateKeyId", props.gcp.privateKeyId);
      this.gcpConnection = new GcpConnection(this, "gcp-connection", {
        ...props.gcp,
        accountId: this.accountId,
        provider: props.provider,
      });
    }
    for (const u of props.users ?? []) this.addUser(u);
  }

  /** Attach one more user to the account. */
  addUser(props: SpotAccountUserProps): UserAttachment {
    const { user: given, key: givenKey, ...rest } = props;
    const where = `SpotAccount "${this.node.path}" user ${givenKey ?? rest.userEmail ?? rest.userId ?? given?.node.id ?? `#${this.attachments.length + 1}`}`;
    const named = [given && "user", rest.userEmail !== undefined && "userEmail", rest.userId !== undefined && "userId"];
    const count = named.filter(Boolean).length;
    if (count !== 1)
      throw new Error(
        `${where}: name the user exactly one way — user (a User of this app), userEmail or userId; ` +
          (count ? `got ${named.filter(Boolean).join(" and ")}` : "got none"),
      );
    const hasPolicies =
      rest.policyIds !== undefined && (Token.isUnresolved(rest.policyIds) || rest.policyIds.length > 0);
    if ((rest.role !== undefined) === hasPolicies)
      throw new Error(
        `${where}: give role ("viewer" or "editor") for role-based access or policyIds for policy-based access, ` +
          (hasPolicies ? "not both" : "one of them"),
      );
    if (rest.role !== undefined && !Token.isUnresolved(rest.role) && !["viewer", "editor"].includes(rest.role))
      throw new Error(`${where}: role must be "viewer" or "editor"; got ${JSON.stringify(rest.role)}`);

    // The construct id: stable across runs, so it comes from literal values only.
    const literal = [givenKey, rest.userEmail, rest.userId].find((v) => v !== undefined && !Token.isUnresolved(v));
    const key = givenKey ?? (given ? given.node.id : literal);
    if (key === undefined)
      throw new Error(
        `${where}: the user is given by a token, so the construct cannot derive a stable id; set key (e.g. "alice")`,
      );

    let user = given;
    const scope = this.node.scope;
    if (!user && rest.userEmail !== undefined && !Token.isUnresolved(rest.userEmail) && isUserDirectory(scope)) {
      user = scope.userByEmail(rest.userEmail);
      // A user of the same app: attach it by id, which orders the attachment after the user's creation.
      if (user) delete rest.userEmail;
    }
    const attachment = new UserAttachment(this, `user-${idFrom(key)}`, {
      ...rest,
      userId: user ? user.userId : rest.userId,
      accountId: this.accountId,
      provider: this.provider,
    });
    this.attachments.push(attachment);
    return attachment;
  }

  private warnIfLiteral(field: string, value: string | undefined): void {
    if (value !== undefined && !Token.isUnresolved(value))
      Annotations.of(this).addWarning(
        `SpotAccount "${this.node.path}": ${field} is a literal string, so it is written in plain text to the ` +
          "synthesized cdk.tf.json. Pass a sensitive TerraformVariable (set it with TF_VAR_…) or another token instead.",
      );
  }
}
