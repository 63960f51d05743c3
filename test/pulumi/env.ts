/**
 * What the Pulumi tests share: where the host finds the runtime (the built dist/, see
 * test/support/pulumi-host.ts assertCurrentBuild), the serialized providers, the few fake kinds no real kind can
 * stand in for (fixtures/registry.js), and small helpers. Everything else runs the real kinds against the emulator.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { secretMatches } from "../../src/core";
import { providerFor } from "../../src/pulumi/provider";
import { serializeProvider, type HostError } from "../support/pulumi-host";

export const ROOT = path.join(__dirname, "..", "..");
export const RUNTIME = path.join(ROOT, "dist", "pulumi", "runtime.js");
export const FIXTURE_REGISTRY = path.join(__dirname, "fixtures", "registry.js");

/** The `__provider` text of a kind, as the generated classes serialize it (`registry` "" = the real kinds). */
export async function providerText(kind: string, registry = ""): Promise<string> {
  return (await serializeProvider(providerFor(kind, { runtime: RUNTIME, registry }))).text;
}

/** The error a host call fails with; fails the test when the call succeeds. */
export async function rejects(p: Promise<unknown>): Promise<HostError> {
  try {
    await p;
  } catch (e) {
    return e as HostError;
  }
  throw new Error("expected the call to fail");
}

/** Write requests (anything but GET) in emulator stats. */
export function writes(stats: { requests: Record<string, number> }): number {
  return Object.entries(stats.requests)
    .filter(([route]) => !route.startsWith("GET "))
    .reduce((n, [, c]) => n + c, 0);
}

/**
 * Asymmetric matcher: a salted secret hash made from `value`. Salted hashes differ every time, so tests compare
 * by verification, never by string equality.
 */
export function hashOf(value: string): any {
  return {
    $$typeof: Symbol.for("jest.asymmetricMatcher"),
    asymmetricMatch: (actual: unknown) => typeof actual === "string" && secretMatches(value, actual),
    toAsymmetricMatcher: () => "hashOf(<secret>)",
  };
}

/** A temp directory for the test file, made in beforeAll and removed in afterAll (call at the top level). */
export function withTempDir(prefix: string): { path: string } {
  const dir = { path: "" };
  beforeAll(() => {
    dir.path = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterAll(() => {
    if (dir.path) fs.rmSync(dir.path, { recursive: true, force: true });
  });
  return dir;
}
