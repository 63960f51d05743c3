/**
 * Shared by the CDKTF app test and the Terraform end-to-end tests: a working directory whose Terraform
 * CLI configuration points at a filesystem mirror holding the released provider executable (the single
 * executable application of scripts/terraform-release.js, built once per content hash and installed with
 * installMirror, as `spot-iac terraform install` does), so `terraform init` installs it offline and Terraform
 * launches it as a child process, with no Node.js involved. Each Workdir has its own TF_CLI_CONFIG_FILE, HOME,
 * CHECKPOINT_DISABLE=1 and TF_IN_AUTOMATION=1.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { cliConfigBlock } from "../../src/terraform/install";
import { Workdir, providerRelease, terraformPath } from "../terraform/support";

export const ROOT = path.resolve(__dirname, "..", "..");

/** `describe` when terraform is on PATH; otherwise a visible SKIP line. */
export function describeWithMirror(name: string, fn: () => void): void {
  if (terraformPath) describe(name, fn);
  else {
    process.stdout.write(`SKIP ${name}: terraform is not on PATH\n`);
    describe.skip(name, fn);
  }
}

/** A Workdir whose CLI configuration installs spot-iac/spot from the release's mirror. */
export function mirrorWorkdir(env: NodeJS.ProcessEnv = {}): Workdir {
  const wd = new Workdir({ SPOT_IAC_LOG: "", TF_LOG: "", ...env });
  fs.writeFileSync(wd.env.TF_CLI_CONFIG_FILE!, cliConfigBlock(providerRelease().mirror));
  return wd;
}

/** A Spot API call made outside Terraform (the "out-of-band" change), straight over HTTP. */
export async function spotApi(
  emu: { url: string; token: string },
  method: string,
  route: string,
  body?: unknown,
): Promise<any> {
  const res = await fetch(`${emu.url}${route}`, {
    method,
    headers: { Authorization: `Bearer ${emu.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new Error(`${method} ${route} → ${res.status}: ${text}`);
  return json;
}

/** The items of a Spot envelope ({ response: { items: [...] } }). */
export function items(envelope: any): any[] {
  return envelope?.response?.items ?? [];
}

/** Terraform JSON state resources of a type, flattened to their attribute objects. */
export function stateResources(state: any, type: string): any[] {
  return (state.resources ?? [])
    .filter((r: any) => r.type === type && r.mode === "managed")
    .flatMap((r: any) => r.instances.map((i: any) => i.attributes));
}

export { Workdir, terraformPath };
