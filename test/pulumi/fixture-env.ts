/**
 * Shared setup for the tests that run the Pulumi adapter over the fixture registry: a temp "cloud" file,
 * the module ids the host loads (built dist/ and the plain-JS fixture), and store helpers.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const ROOT = path.join(__dirname, "..", "..");
export const RUNTIME = path.join(ROOT, "dist", "pulumi", "runtime.js");
export const FIXTURE_REGISTRY = path.join(__dirname, "fixtures", "registry.js");

const fixture = require(FIXTURE_REGISTRY);

export const TOKEN_A = "tok-a-SECRET-4f1c9d2e";
export const TOKEN_B = "tok-b-SECRET-77aa10bc";

export interface Store {
  seq: number;
  calls: {
    org: string;
    kind: string;
    action: string;
    id: string | null;
    baseUrl: string | null;
    runId: string | null;
  }[];
  orgs: Record<string, { name: string; objects: Record<string, Record<string, any>> }>;
  fail?: { kind: string; action: string };
}

/** A fresh store for one test file; sets SPOT_FIXTURE_STORE for this process and the hosts it spawns. */
export function freshStore(): string {
  if (!fs.existsSync(RUNTIME)) throw new Error(`${RUNTIME} is missing: run npx tsc -p tsconfig.build.json first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spot-pulumi-"));
  const file = path.join(dir, "cloud.json");
  fixture.resetStore(file, { [TOKEN_A]: "Org A", [TOKEN_B]: "Org B" });
  process.env.SPOT_FIXTURE_STORE = file;
  return file;
}

export function readStore(): Store {
  return fixture.load();
}

export function editStore(fn: (s: Store) => void): void {
  const s = readStore();
  fn(s);
  fs.writeFileSync(process.env.SPOT_FIXTURE_STORE!, JSON.stringify(s, null, 2));
}

export function objectsOf(org: "Org A" | "Org B", kind: string): Record<string, any> {
  const s = readStore();
  const o = Object.values(s.orgs).find((x) => x.name === org)!;
  return o.objects[kind] ?? {};
}

export function callCount(): number {
  return readStore().calls.length;
}
