/**
 * Shared pieces of the resource lifecycle tests: a client and a ResourceContext against the test file's emulator,
 * input checking through the engine, and "rejected before any API call" (the emulator's request count must not move).
 */
import { SpotClient, type ClientOptions } from "../../src/api";
import { checkInputs, type CheckFailure, type Props, type ResourceContext, type ResourceKind } from "../../src/resources";
import type { EmulatorFixture } from "../support/emulator";

let seq = 0;

/** A client of the emulator's bootstrapped organization (fast retries, list cache as in production). */
export function clientFor(emu: EmulatorFixture, extra: ClientOptions = {}): SpotClient {
  return new SpotClient({
    token: emu.token,
    baseUrl: emu.url,
    frontend: "sdk",
    runId: `resources-test-${process.pid}-${++seq}`,
    retry: { baseDelayMs: 5, maxDelayMs: 200, maxElapsedMs: 10_000, maxAttempts: 4 },
    ...extra,
  });
}

export interface TestContext extends ResourceContext {
  warnings: string[];
}

export function contextFor(client: SpotClient): TestContext {
  const warnings: string[] = [];
  return { client, warnings, warn: (m: string) => warnings.push(m) };
}

/** Inputs after the engine's checks; fails the test with the messages when there are any. */
export function checked<I extends Props>(kind: ResourceKind<I>, raw: Props): I {
  const { inputs, failures } = checkInputs(kind, raw);
  if (failures.length) throw new Error(`unexpected check failures: ${JSON.stringify(failures)}`);
  return inputs;
}

export function failuresOf(kind: ResourceKind, raw: Props): CheckFailure[] {
  return checkInputs(kind, raw).failures;
}

/** Runs `fn`, which must fail, and asserts the emulator saw no request meanwhile. Returns the error. */
export async function rejectedBeforeApi(emu: EmulatorFixture, fn: () => Promise<unknown>): Promise<Error> {
  const before = (await emu.control.stats()).total;
  let error: Error | undefined;
  try {
    await fn();
  } catch (e) {
    error = e as Error;
  }
  const after = (await emu.control.stats()).total;
  expect(after).toBe(before);
  if (!error) throw new Error("expected a failure before any API call, but the call succeeded");
  return error;
}

export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
