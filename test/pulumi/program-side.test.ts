/**
 * What runs in the Pulumi program itself: the package entry, module ids baked into `__provider`, the check that
 * the host runs the current build, Connection, argument errors, lookups (against the emulator, two organizations).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as spot from "../../src";
import { kinds, lookups } from "../../src/resources";
import { withEmulator } from "../support/emulator";
import { assertCurrentBuild, staleBuild } from "../support/pulumi-host";
import { ROOT, withTempDir } from "./env";

const emu = withEmulator();
const tmp = withTempDir("spot-program-side-");
let orgB: { token: string; accountId: string };

beforeAll(async () => {
  orgB = await emu.control.bootstrap({ organizationName: "Org B", adminEmail: "admin-b@example.com" });
  await pulumi.runtime.setMocks(
    { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) },
    "proj",
    "test",
  );
  pulumi.runtime.setAllConfig({ "spot:token": emu.token, "spot:baseUrl": emu.url }, ["spot:token"]);
});

describe("the package entry", () => {
  it("exports the Pulumi API: a class per kind, a function pair per lookup", () => {
    expect(typeof spot.Connection).toBe("function");
    expect(typeof spot.SpotResource).toBe("function");
    expect(typeof spot.invokeLookup).toBe("function");
    for (const k of kinds) expect(typeof (spot as Record<string, unknown>)[k.name]).toBe("function");
    for (const l of lookups) {
      expect(typeof (spot as Record<string, unknown>)[`get${l.name}`]).toBe("function");
      expect(typeof (spot as Record<string, unknown>)[`get${l.name}Output`]).toBe("function");
    }
    expect(spot.VERSION).toBe(require("../../package.json").version);
  });

  it("loads no kind, client or emulator code when imported (built package)", () => {
    const out = execFileSync(
      process.execPath,
      [
        "-e",
        `require("./dist"); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.startsWith(process.cwd() + "/dist/") || k.includes("/node_modules/axios/"))))`,
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    const loaded = (JSON.parse(out) as string[]).map((f) => path.relative(path.join(ROOT, "dist"), f)).sort();
    // The core (schemas, checks, the lifecycle) is shared and small; of the client only the redaction and the run
    // id; the registry (every kind), the HTTP client and the emulator load with the first resource or never.
    expect(loaded.filter((f) => !/^(pulumi|core)\//.test(f) && f !== "index.js" && f !== "version.js")).toEqual([
      "api/defaults.js",
      "api/redact.js",
      "api/run-id.js",
    ]);
    expect(loaded).not.toContain("pulumi/runtime.js");
  });
});

describe("the runtime module id in __provider", () => {
  it("is the package path when spot-iac is installed, so state works from any checkout", () => {
    const pkg = path.join(tmp.path, "install", "node_modules", "spot-iac", "dist", "pulumi");
    fs.mkdirSync(pkg, { recursive: true });
    fs.copyFileSync(path.join(ROOT, "dist", "pulumi", "provider.js"), path.join(pkg, "provider.js"));
    const out = execFileSync(
      process.execPath,
      ["-e", `console.log(require(${JSON.stringify(path.join(pkg, "provider.js"))}).defaultRuntimeModule())`],
      { cwd: path.join(tmp.path, "install"), encoding: "utf8", env: { ...process.env, SPOT_IAC_PULUMI_RUNTIME: "" } },
    );
    expect(out.trim()).toBe("spot-iac/dist/pulumi/runtime");
  });

  it("is the built runtime of a development checkout, even when running from src/", () => {
    const { defaultRuntimeModule } = require("../../src/pulumi/provider");
    expect(defaultRuntimeModule()).toBe(path.join(ROOT, "dist", "pulumi", "runtime.js"));
  });
});

describe("the host tests run the current build", () => {
  /** A checkout with one source file and, unless `built` is false, its build; mtimes in seconds since 2026. */
  function checkout(name: string, opts: { built?: boolean; srcAt?: number; distAt?: number } = {}): string {
    const root = path.join(tmp.path, name);
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);
    fs.mkdirSync(path.join(root, "src", "core"), { recursive: true });
    fs.mkdirSync(path.join(root, "dist", "pulumi"), { recursive: true });
    fs.writeFileSync(path.join(root, "src", "core", "lifecycle.ts"), "export {};\n");
    fs.writeFileSync(path.join(root, "src", "core", "types.d.ts"), "export {};\n");
    fs.utimesSync(path.join(root, "src", "core", "lifecycle.ts"), at(opts.srcAt ?? 0), at(opts.srcAt ?? 0));
    fs.writeFileSync(path.join(root, "dist", "pulumi", "runtime.js"), "");
    if (opts.built !== false) {
      fs.mkdirSync(path.join(root, "dist", "core"), { recursive: true });
      fs.writeFileSync(path.join(root, "dist", "core", "lifecycle.js"), "");
      fs.utimesSync(path.join(root, "dist", "core", "lifecycle.js"), at(opts.distAt ?? 10), at(opts.distAt ?? 10));
    }
    return root;
  }

  it("accepts a build newer than every source file", () => {
    expect(staleBuild(checkout("fresh"))).toBeUndefined();
    expect(() => assertCurrentBuild(checkout("fresh2"))).not.toThrow();
  });

  it("refuses a source file edited after the build, naming it", () => {
    const root = checkout("stale", { srcAt: 20, distAt: 10 });
    expect(staleBuild(root)).toBe("src/core/lifecycle.ts is newer than dist/core/lifecycle.js");
    expect(() => assertCurrentBuild(root)).toThrow(
      "The Pulumi provider host runs the built runtime (dist/), and dist/ is not the build of the current src/: " +
        "src/core/lifecycle.ts is newer than dist/core/lifecycle.js. Run `npm run build` (npm test builds first), " +
        "then run the tests again.",
    );
  });

  it("refuses a source file never built, and a missing build", () => {
    expect(staleBuild(checkout("new-file", { built: false }))).toBe(
      "dist/core/lifecycle.js does not exist (compiled from src/core/lifecycle.ts)",
    );
    const root = checkout("no-dist");
    fs.rmSync(path.join(root, "dist"), { recursive: true });
    expect(staleBuild(root)).toBe("dist/pulumi/runtime.js does not exist");
  });

  it("this checkout's dist/ is current (the host tests would refuse to start otherwise)", () => {
    expect(staleBuild()).toBeUndefined();
  });
});

describe("Connection", () => {
  it("makes the token secret and refuses an empty connection", async () => {
    const c = new spot.Connection("org-b", { token: orgB.token, baseUrl: emu.url });
    expect(await (c.token as any).isSecret).toBe(true);
    expect(await (c.toProperty() as any).isSecret).toBe(true);
    expect(() => new spot.Connection("empty", {})).toThrow(
      'spot.Connection "empty": give at least one of token, baseUrl, account',
    );
  });

  it("must be a spot.Connection when passed to a resource", () => {
    expect(() => new spot.Account("a", { name: "a", connection: { token: "x" } as any })).toThrow(
      'Account "a": connection must be a spot.Connection',
    );
  });

  it("an unknown kind names the known ones", () => {
    expect(() => new spot.SpotResource("Gadget", "g", {})).toThrow(
      `unknown resource kind "Gadget"; known kinds: ${kinds.map((k) => k.name).join(", ")}`,
    );
  });
});

describe("lookups in the program", () => {
  it("run with the stack's token, or a Connection's", async () => {
    const a = await spot.getAccounts();
    expect(a.accountIds).toContain(emu.accountId);
    expect(a.accountIds).not.toContain(orgB.accountId);
    const orgBConn = new spot.Connection("org-b", { token: orgB.token, baseUrl: emu.url });
    const b = await spot.getAccounts({}, { connection: orgBConn });
    expect(b.accountIds).toEqual([orgB.accountId]);
    expect(await spot.invokeLookup("Account", { accountId: orgB.accountId }, { connection: orgBConn })).toMatchObject({
      accountId: orgB.accountId,
      slackNotificationChannels: [],
    });
  });

  it("the Output form is not secret when the result has no secret field (the token only made it so)", async () => {
    const orgBConn = new spot.Connection("org-b", { token: orgB.token, baseUrl: emu.url });
    const out = spot.getAccountsOutput({ name: pulumi.output("no-such-account") }, { connection: orgBConn });
    expect(await (out as any).isSecret).toBe(false);
    expect(await (out as any).promise()).toEqual({ accounts: [], accountIds: [] });
  });

  it("reject bad arguments before any call, naming the field", async () => {
    const before = (await emu.control.stats()).total;
    await expect(spot.invokeLookup("Users", { type: "robot" })).rejects.toThrow(
      'getUsers "args": type must be one of "personal", "programmatic"; got "robot"',
    );
    await expect(spot.invokeLookup("Accounts", { colour: "red" })).rejects.toThrow(
      'getAccounts "args": colour is not a known field; expected one of name, cloudAccountId',
    );
    await expect(spot.invokeLookup("Nope", {})).rejects.toThrow(
      `unknown lookup "getNope"; known: ${lookups.map((l) => `get${l.name}`).join(", ")}`,
    );
    expect((await emu.control.stats()).total).toBe(before);
  });
});
