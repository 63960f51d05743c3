/**
 * What runs in the Pulumi program itself: the package entry, module ids baked into `__provider`,
 * Connection, argument errors, lookups.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as spot from "../../src";
import { FIXTURE_REGISTRY, ROOT, TOKEN_A, TOKEN_B, freshStore } from "./fixture-env";

const registry = FIXTURE_REGISTRY;

beforeAll(async () => {
  freshStore();
  await pulumi.runtime.setMocks(
    { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) },
    "proj",
    "test",
  );
  pulumi.runtime.setAllConfig({ "spot:token": TOKEN_A }, ["spot:token"]);
});

describe("the package entry", () => {
  it("exports the Pulumi API", () => {
    expect(typeof spot.Connection).toBe("function");
    expect(typeof spot.SpotResource).toBe("function");
    expect(typeof spot.invokeLookup).toBe("function");
    expect(spot.VERSION).toBe(require("../../package.json").version);
  });

  it("loads no kind, client or emulator code when imported (built package)", () => {
    const out = execFileSync(
      process.execPath,
      [
        "-e",
        `require("./dist"); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.startsWith(process.cwd() + "/dist/"))))`,
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    const loaded = (JSON.parse(out) as string[]).map((f) => path.relative(path.join(ROOT, "dist"), f)).sort();
    // The schema checker is shared and tiny; the registry (every kind), the client and the emulator are not loaded.
    expect(loaded.filter((f) => !f.startsWith("pulumi/") && f !== "index.js" && f !== "version.js")).toEqual([
      "resources/engine.js",
      "resources/schema.js",
    ]);
    expect(loaded).not.toContain("pulumi/runtime.js");
  });
});

describe("the runtime module id in __provider", () => {
  it("is the package path when spot-iac is installed, so state works from any checkout", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spot-install-"));
    const pkg = path.join(dir, "node_modules", "spot-iac", "dist", "pulumi");
    fs.mkdirSync(pkg, { recursive: true });
    fs.copyFileSync(path.join(ROOT, "dist", "pulumi", "provider.js"), path.join(pkg, "provider.js"));
    const out = execFileSync(
      process.execPath,
      ["-e", `console.log(require(${JSON.stringify(path.join(pkg, "provider.js"))}).defaultRuntimeModule())`],
      {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, SPOT_IAC_PULUMI_RUNTIME: "" },
      },
    );
    expect(out.trim()).toBe("spot-iac/dist/pulumi/runtime");
  });

  it("is the built runtime of a development checkout, even when running from src/", () => {
    const { defaultRuntimeModule } = require("../../src/pulumi/provider");
    expect(defaultRuntimeModule()).toBe(path.join(ROOT, "dist", "pulumi", "runtime.js"));
  });
});

describe("Connection", () => {
  it("makes the token secret and refuses an empty connection", async () => {
    const c = new spot.Connection("org-b", { token: TOKEN_B, baseUrl: "http://b.invalid" });
    expect(await (c.token as any).isSecret).toBe(true);
    expect(await (c.toProperty() as any).isSecret).toBe(true);
    expect(() => new spot.Connection("empty", {})).toThrow(
      'spot.Connection "empty": give at least one of token, baseUrl, account',
    );
  });

  it("must be a spot.Connection when passed to a resource", () => {
    expect(
      () =>
        new spot.SpotResource(
          "Widget",
          "w",
          { name: "a", owner: "a@b.co", connection: { token: "x" } as any },
          { registry },
        ),
    ).toThrow('Widget "w": connection must be a spot.Connection');
  });

  it("an unknown kind names the known ones", () => {
    expect(() => new spot.SpotResource("Gadget", "g", {}, { registry })).toThrow(
      'unknown resource kind "Gadget"; known kinds: Widget, Vault, Link',
    );
  });
});

describe("lookups in the program", () => {
  it("run with the stack's token, or a Connection's", async () => {
    expect(await spot.invokeLookup("Widgets", {}, { registry })).toEqual({ names: [], organization: "Org A" });
    const orgB = new spot.Connection("org-b", { token: TOKEN_B });
    expect(await spot.invokeLookup("Widgets", { region: "eu" }, { registry, connection: orgB })).toEqual({
      names: [],
      organization: "Org B",
    });
  });

  it("the Output form is not secret when the result has no secret field (the token only made it so)", async () => {
    const orgB = new spot.Connection("org-b", { token: TOKEN_B });
    const out = spot.invokeLookupOutput("Widgets", {}, { registry, connection: orgB });
    expect(await (out as any).isSecret).toBe(false);
    expect(await (out as any).promise()).toEqual({ names: [], organization: "Org B" });
  });

  it("reject bad arguments before any call, naming the field", async () => {
    await expect(spot.invokeLookup("Widgets", { region: "mars" }, { registry })).rejects.toThrow(
      'getWidgets "args": region must be one of "eu", "us"; got "mars"',
    );
    await expect(spot.invokeLookup("Nope", {}, { registry })).rejects.toThrow(
      'unknown lookup "getNope"; known: getWidgets',
    );
  });
});
