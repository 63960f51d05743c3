/**
 * `spot-iac terraform …` subcommands: install (a filesystem mirror Terraform can `init` from offline),
 * schema (the `terraform providers schema -json` document, for CDKTF bindings and docs), and decrypt
 * (opens a secret output sealed to the user's key). Registration stays cheap: work is required in actions.
 */
import type { Command } from "commander";
import { VERSION } from "../version";

export const PROVIDER_SOURCE = "spot-iac/spot";
export const PROVIDER_HOST_ADDRESS = "registry.terraform.io/spot-iac/spot";

const GOARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };

/** Terraform's platform name for this machine, e.g. "linux_amd64". */
export function terraformPlatform(platform: string = process.platform, arch: string = process.arch): string {
  if (platform === "win32")
    throw new Error(
      "spot-iac terraform install does not support Windows yet (the launcher is a shell script); use WSL",
    );
  const goarch = GOARCH[arch];
  if (!goarch) throw new Error(`unsupported CPU architecture "${arch}" for a Terraform provider package`);
  return `${platform}_${goarch}`;
}

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface InstallResult {
  dir: string;
  executable: string;
  cliConfig: string;
}

/** Write the mirror layout with a launcher that execs this Node on this package's provider entry point. */
export function installMirror(
  dir: string,
  opts: { version?: string; nodePath?: string; packageRoot?: string } = {},
): InstallResult {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const version = opts.version ?? VERSION;
  const root = opts.packageRoot ?? path.resolve(__dirname, "..", "..");
  const entry = path.join(root, "bin", "terraform-provider-spot");
  const built = path.join(root, "dist", "terraform", "main.js");
  if (!fs.existsSync(built))
    throw new Error(`the provider is not built (${built} is missing); run \`npm run build\` first`);
  const abs = path.resolve(dir);
  const platformDir = path.join(abs, PROVIDER_HOST_ADDRESS, version, terraformPlatform());
  fs.mkdirSync(platformDir, { recursive: true });
  const executable = path.join(platformDir, `terraform-provider-spot_v${version}`);
  const script =
    "#!/bin/sh\n" +
    "# spot-iac Terraform provider launcher, written by `spot-iac terraform install`.\n" +
    `exec ${shQuote(opts.nodePath ?? process.execPath)} ${shQuote(entry)} "$@"\n`;
  fs.writeFileSync(executable, script, { mode: 0o755 });
  fs.chmodSync(executable, 0o755);
  return { dir: abs, executable, cliConfig: cliConfigBlock(abs) };
}

export function cliConfigBlock(mirrorDir: string): string {
  return [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirrorDir)}`,
    `    include = [${JSON.stringify(PROVIDER_HOST_ADDRESS)}]`,
    "  }",
    "  direct {",
    `    exclude = [${JSON.stringify(PROVIDER_HOST_ADDRESS)}]`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/** The `terraform providers schema -json` document for the registry in src/resources. */
export function schemaDocument(): Record<string, unknown> {
  const { buildSchemas, providerSchemaDocument } = require("./schema") as typeof import("./schema");
  const registry = require("../resources") as typeof import("../resources");
  return providerSchemaDocument(buildSchemas(registry.kinds, registry.lookups));
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export function register(program: Command): void {
  const tf = program
    .command("terraform")
    .description("The Terraform provider: install it for `terraform init`, print its schema");

  tf.command("install")
    .description(
      "Write a filesystem mirror holding the spot provider and print the Terraform CLI configuration that uses it",
    )
    .option("--dir <dir>", "mirror directory", "~/.terraform.d/plugins")
    .option("--cli-config <file>", "also write the CLI configuration to this file (use it as TF_CLI_CONFIG_FILE)")
    .action((opts: { dir: string; cliConfig?: string }) => {
      const os = require("node:os") as typeof import("node:os");
      const fs = require("node:fs") as typeof import("node:fs");
      const dir = opts.dir.replace(/^~(?=$|\/)/, os.homedir());
      const r = installMirror(dir);
      if (opts.cliConfig) fs.writeFileSync(opts.cliConfig, r.cliConfig);
      process.stdout.write(
        `Installed ${PROVIDER_SOURCE} ${VERSION} in ${r.dir}\n  ${r.executable}\n\n` +
          `Terraform CLI configuration (~/.terraformrc, or a file named by TF_CLI_CONFIG_FILE)` +
          `${opts.cliConfig ? `, written to ${opts.cliConfig}` : ""}:\n\n${r.cliConfig}\n` +
          `In your configuration:\n\n` +
          `terraform {\n  required_providers {\n    spot = {\n      source  = "${PROVIDER_SOURCE}"\n      version = "${VERSION}"\n    }\n  }\n}\n`,
      );
    });

  tf.command("schema")
    .description("Print the provider schema as `terraform providers schema -json` does (input of CDKTF's generator)")
    .option("--out <file>", "write to a file instead of stdout")
    .action((opts: { out?: string }) => {
      const text = JSON.stringify(schemaDocument(), null, 2) + "\n";
      if (opts.out) require("node:fs").writeFileSync(opts.out, text);
      else process.stdout.write(text);
    });

  tf.command("decrypt")
    .description("Open a secret output sealed by the provider (e.g. encrypted_token) with your RSA private key")
    .requiredOption("--key <file>", "PEM private key matching the *_public_key given to the resource")
    .option("--passphrase-env <var>", "environment variable holding the key's passphrase")
    .argument("[value]", "the sealed value (spotseal1:…); read from stdin when absent")
    .action(async (value: string | undefined, opts: { key: string; passphraseEnv?: string }) => {
      const fs = require("node:fs") as typeof import("node:fs");
      const { open } = require("./sealed") as typeof import("./sealed");
      const sealed = value ?? (await readStdin());
      const passphrase = opts.passphraseEnv ? process.env[opts.passphraseEnv] : undefined;
      process.stdout.write(open(sealed, fs.readFileSync(opts.key, "utf8"), passphrase) + "\n");
    });
}
