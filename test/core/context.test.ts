/** connect, withWarn, registry and run ids (src/core/context.ts, re-exported run-id helpers). */
import { RUN_ID_PATTERN, connect, newRunId, registry, withWarn } from "../../src/core";
import { account } from "../../src/resources/account";

const base = { token: "t0ken-context-test", baseUrl: "http://127.0.0.1:9", frontend: "sdk" as const };

test("a context builds its client on first use, once per configuration, shared across contexts", () => {
  const a = connect({ ...base, runId: "ctx-test-1" });
  const b = connect({ ...base, runId: "ctx-test-1" });
  expect(a.client).toBe(b.client);
  expect(a.client).toBe(a.client);
  expect(connect({ ...base, runId: "ctx-test-2" }).client).not.toBe(a.client);
  expect(connect({ ...base, runId: "ctx-test-1", token: "another-t0ken" }).client).not.toBe(a.client);
  expect(a.client.runId).toBe("ctx-test-1");
});

test("a context needs no token until its client is used (checks and schema-only runs)", () => {
  const saved = process.env.SPOTINST_TOKEN;
  delete process.env.SPOTINST_TOKEN;
  try {
    const ctx = connect({
      baseUrl: base.baseUrl,
      frontend: "sdk",
      runId: "ctx-test-lazy",
      client: { credentialsFile: "/nonexistent/spot-iac-credentials" },
    });
    expect(() => ctx.client).toThrow(/token/i);
  } finally {
    if (saved !== undefined) process.env.SPOTINST_TOKEN = saved;
  }
});

test("warnings go where the context says; withWarn keeps the client and redirects them", () => {
  const first: string[] = [];
  const second: string[] = [];
  const ctx = connect({ ...base, runId: "ctx-test-warn", warn: (m) => first.push(m) });
  const other = withWarn(ctx, (m) => second.push(m));
  other.warn("to the second");
  ctx.warn("to the first");
  expect(first).toEqual(["to the first"]);
  expect(second).toEqual(["to the second"]);
  expect(other.client).toBe(ctx.client);
  expect(() => connect({ ...base, runId: "ctx-test-silent" }).warn("nobody listens")).not.toThrow();
});

test("the registry holds every kind and lookup once; kindByName names the known ones when it fails", () => {
  const r = registry();
  expect(r.kindByName("Account")).toBe(account);
  const names = r.kinds.map((k) => k.name);
  expect(new Set(names).size).toBe(names.length);
  expect(names).toEqual(expect.arrayContaining(["Organization", "Account", "User", "AccessPolicy"]));
  expect(r.lookups.map((l) => l.name)).toEqual(expect.arrayContaining(["Account", "Users"]));
  expect(() => r.kindByName("Acount")).toThrow(/unknown resource kind "Acount"; known kinds: Organization, Account/);
});

test("run ids sort by time and fit a header; SPOT_IAC_RUN_ID names the process's run", () => {
  const id = newRunId(new Date("2026-12-02T01:17:00.123Z"));
  expect(id).toMatch(/^r20261202T011700Z-[0-9a-f]{8}$/);
  expect(RUN_ID_PATTERN.test(id)).toBe(true);
  expect(newRunId(new Date("2026-12-02T01:17:00Z")) < newRunId(new Date("2026-12-02T01:18:00Z"))).toBe(true);
  const saved = process.env.SPOT_IAC_RUN_ID;
  try {
    process.env.SPOT_IAC_RUN_ID = "pipeline-42";
    jest.isolateModules(() => {
      const { processRunId } = require("../../src/core") as typeof import("../../src/core");
      expect(processRunId()).toBe("pipeline-42");
    });
    process.env.SPOT_IAC_RUN_ID = "not a run id";
    jest.isolateModules(() => {
      const { processRunId } = require("../../src/core") as typeof import("../../src/core");
      const own = processRunId();
      expect(own).toMatch(/^r\d{8}T\d{6}Z-[0-9a-f]{8}$/);
      expect(processRunId()).toBe(own);
    });
  } finally {
    if (saved === undefined) delete process.env.SPOT_IAC_RUN_ID;
    else process.env.SPOT_IAC_RUN_ID = saved;
  }
});
