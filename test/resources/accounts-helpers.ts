/**
 * Extra helpers of the organization/account/connection tests (the shared ones are in helpers.ts).
 */
import { checkInputs, formatFailures, type Props, type ResourceKind } from "../../src/resources";
import type { EmulatorFixture } from "../support/emulator";

/** Runs `fn`, which must fail, and asserts the emulator saw no Spot request meanwhile. Returns the error. */
export async function rejectedBeforeApi(emu: EmulatorFixture, fn: () => Promise<unknown>): Promise<Error> {
  const before = (await emu.control.stats()).total;
  let error: Error | undefined;
  try {
    await fn();
  } catch (e) {
    error = e as Error;
  }
  expect((await emu.control.stats()).total).toBe(before);
  if (!error) throw new Error("expected a failure before any API call, but the call succeeded");
  return error;
}

/** Count of one route template ("POST /setup/account") in the emulator's request stats. */
export async function requests(emu: EmulatorFixture, key: string): Promise<number> {
  return (await emu.control.stats()).requests[key] ?? 0;
}

export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Inputs as the front-ends pass them (checked, defaults applied), typed by the kind; throws on failures. */
export function checkedFor<I extends Props>(kind: ResourceKind<I, any>, raw: Props): I {
  const { inputs, failures } = checkInputs(kind, raw);
  if (failures.length) throw new Error(formatFailures(kind.name, "test", failures));
  return inputs;
}
