/**
 * One in-memory Spot API emulator per test file: call `withEmulator()` at the top level of a test file;
 * the returned object is filled in by beforeAll (an organization bootstrapped with an admin token) and the
 * emulator is closed in afterAll.
 *
 *   const emu = withEmulator();
 *   test("…", async () => { await fetch(`${emu.url}/setup/account`, { headers: { Authorization: `Bearer ${emu.token}` } }); });
 */
import { startEmulator, type EmulatorControl, type EmulatorOptions } from "../../src/emulator";

export interface EmulatorFixture {
  url: string;
  token: string;
  organizationId: string;
  accountId: string;
  userId: string;
  adminToken: string;
  control: EmulatorControl;
}

export function withEmulator(options: Omit<EmulatorOptions, "data" | "memory"> = {}): EmulatorFixture {
  const fixture = {} as EmulatorFixture;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const emu = await startEmulator({ ...options, memory: true });
    close = emu.close;
    const org = await emu.control.bootstrap();
    Object.assign(fixture, {
      url: emu.url,
      adminToken: emu.adminToken,
      control: emu.control,
      token: org.token,
      organizationId: org.organizationId,
      accountId: org.accountId,
      userId: org.userId,
    });
  });
  afterAll(async () => {
    await close?.();
  });
  return fixture;
}
