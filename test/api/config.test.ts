import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, DEFAULT_BASE_URL, resolveConfig, SpotClient } from "../../src/api";

let dir: string;
let home: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "spot-iac-config-"));
  home = path.join(dir, "home");
  fs.mkdirSync(path.join(home, ".spotinst"), { recursive: true });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

const INI = `[default]
token = ini-default-token
account = act-inidef1

[staging]
token = ini-staging-token
account = act-inistg1

[tokenless]
account = act-nothing
`;

describe("resolveConfig order", () => {
  test("explicit option beats environment and file", () => {
    const file = write("c1.ini", INI);
    const env = {
      SPOTINST_TOKEN: "env-token-123",
      SPOTINST_ACCOUNT: "act-env00001",
      SPOTINST_CREDENTIALS_FILE: file,
      HOME: home,
    };
    const c = resolveConfig({ token: "explicit-token", baseUrl: "http://localhost:1/" }, env);
    expect(c.token).toBe("explicit-token");
    expect(c.tokenSource).toBe("option token");
    // The account travels with its token (Go SDK's chain): env's account belongs to env's token.
    expect(c.account).toBeUndefined();
    expect(c.baseUrl).toBe("http://localhost:1");
  });

  test("explicit account always wins, whatever the token source", () => {
    const c = resolveConfig(
      { account: "act-explicit" },
      { SPOTINST_TOKEN: "env-token-123", SPOTINST_ACCOUNT: "act-env00001" },
    );
    expect(c).toMatchObject({ token: "env-token-123", account: "act-explicit", tokenSource: "env SPOTINST_TOKEN" });
  });

  test("environment beats the credentials file", () => {
    const file = write("c2.ini", INI);
    const c = resolveConfig(
      {},
      { SPOTINST_TOKEN: "env-token-123", SPOTINST_ACCOUNT: "act-env00001", SPOTINST_CREDENTIALS_FILE: file },
    );
    expect(c).toMatchObject({ token: "env-token-123", account: "act-env00001" });
  });

  test("SPOTINST_BASE_URL applies when no baseUrl option is given; default otherwise", () => {
    expect(resolveConfig({}, { SPOTINST_TOKEN: "t-123456", SPOTINST_BASE_URL: "http://127.0.0.1:8787" }).baseUrl).toBe(
      "http://127.0.0.1:8787",
    );
    expect(
      resolveConfig(
        { baseUrl: "http://a.example" },
        { SPOTINST_TOKEN: "t-123456", SPOTINST_BASE_URL: "http://b.example" },
      ).baseUrl,
    ).toBe("http://a.example");
    expect(resolveConfig({}, { SPOTINST_TOKEN: "t-123456" }).baseUrl).toBe(DEFAULT_BASE_URL);
  });

  test("INI file: default profile, named profile from env, profile option beats env", () => {
    const file = write("c3.ini", INI);
    expect(resolveConfig({}, { SPOTINST_CREDENTIALS_FILE: file })).toMatchObject({
      token: "ini-default-token",
      account: "act-inidef1",
      tokenSource: `file ${file} [default]`,
    });
    expect(
      resolveConfig({}, { SPOTINST_CREDENTIALS_FILE: file, SPOTINST_CREDENTIALS_PROFILE: "staging" }),
    ).toMatchObject({
      token: "ini-staging-token",
      account: "act-inistg1",
    });
    expect(
      resolveConfig(
        { profile: "default" },
        { SPOTINST_CREDENTIALS_FILE: file, SPOTINST_CREDENTIALS_PROFILE: "staging" },
      ).token,
    ).toBe("ini-default-token");
  });

  test("JSON file, flat (Go SDK) and per profile", () => {
    const flat = write("c4.json", JSON.stringify({ token: "json-flat-token", account: "act-json0001" }));
    expect(resolveConfig({ credentialsFile: flat }, {})).toMatchObject({
      token: "json-flat-token",
      account: "act-json0001",
    });
    const prof = write(
      "c5.json",
      JSON.stringify({ default: { token: "json-def-token" }, prod: { token: "json-prod-token", account: "act-prod" } }),
    );
    expect(resolveConfig({ credentialsFile: prof, profile: "prod" }, {})).toMatchObject({
      token: "json-prod-token",
      account: "act-prod",
    });
    expect(resolveConfig({ credentialsFile: prof }, {}).token).toBe("json-def-token");
  });

  test("default file is ~/.spotinst/credentials; the credentialsFile option beats SPOTINST_CREDENTIALS_FILE", () => {
    fs.writeFileSync(path.join(home, ".spotinst", "credentials"), "[default]\ntoken = home-file-token\n");
    expect(resolveConfig({}, { HOME: home }).token).toBe("home-file-token");
    const other = write("c6.ini", "[default]\ntoken = other-file-token\n");
    const envFile = write("c7.ini", "[default]\ntoken = env-file-token\n");
    expect(resolveConfig({ credentialsFile: other }, { HOME: home, SPOTINST_CREDENTIALS_FILE: envFile }).token).toBe(
      "other-file-token",
    );
    expect(resolveConfig({}, { HOME: home, SPOTINST_CREDENTIALS_FILE: envFile }).token).toBe("env-file-token");
    fs.rmSync(path.join(home, ".spotinst", "credentials"));
  });
});

describe("resolveConfig errors", () => {
  test("no token anywhere: ConfigError says every place it looked", () => {
    const file = write("c8.ini", INI);
    let err: unknown;
    try {
      resolveConfig({ profile: "tokenless" }, { SPOTINST_CREDENTIALS_FILE: file });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain("token option");
    expect(msg).toContain("SPOTINST_TOKEN");
    expect(msg).toContain(`${file} (profile "tokenless" has no token)`);
    expect(msg).not.toMatch(/\n/);
  });

  test("missing home credentials file is reported as not found", () => {
    expect(() => resolveConfig({}, { HOME: path.join(dir, "nohome") })).toThrow(
      /nohome\/\.spotinst\/credentials \(not found\)/,
    );
  });

  test("unknown profile, malformed JSON, explicit empty token, bad base URL", () => {
    const file = write("c9.ini", INI);
    expect(() => resolveConfig({ credentialsFile: file, profile: "nope" }, {})).toThrow(/no profile "nope"/);
    const bad = write("c10.json", "{ not json");
    expect(() => resolveConfig({ credentialsFile: bad }, {})).toThrow(ConfigError);
    expect(() => resolveConfig({ token: "" }, { SPOTINST_TOKEN: "env-token-123" })).toThrow(/given but is empty/);
    expect(() => resolveConfig({ baseUrl: "ftp://x" }, { SPOTINST_TOKEN: "env-token-123" })).toThrow(/http/);
  });

  test("the front-end changes where the message points", () => {
    const env = { HOME: path.join(dir, "nohome") };
    expect(() => resolveConfig({ frontend: "pulumi" }, env)).toThrow(/spot:token/);
    expect(() => resolveConfig({ frontend: "terraform" }, env)).toThrow(/provider token argument/);
  });

  test("SpotClient validates its own options", () => {
    expect(() => new SpotClient({ token: "abcdef-1", runId: "bad run)" })).toThrow(ConfigError);
    expect(() => new SpotClient({ token: "abcdef-1", maxConcurrency: 0 })).toThrow(/maxConcurrency/);
    expect(() => new SpotClient({ token: "abcdef-1", retry: { maxAttempts: 0 } })).toThrow(/maxAttempts/);
    expect(() => new SpotClient({ token: "abcdef-1", frontend: "x" as never })).toThrow(/frontend/);
  });

  test("apiShare: the option, else SPOT_IAC_API_SHARE (a fraction or a percentage), else 1; out of range is refused", () => {
    const saved = process.env.SPOT_IAC_API_SHARE;
    try {
      delete process.env.SPOT_IAC_API_SHARE;
      expect(new SpotClient({ token: "abcdef-1" }).apiShare).toBe(1);
      process.env.SPOT_IAC_API_SHARE = "50%";
      expect(new SpotClient({ token: "abcdef-1" }).apiShare).toBe(0.5);
      process.env.SPOT_IAC_API_SHARE = "0.25";
      expect(new SpotClient({ token: "abcdef-1" }).apiShare).toBe(0.25);
      expect(new SpotClient({ token: "abcdef-1", apiShare: 0.8 }).apiShare).toBe(0.8);
      process.env.SPOT_IAC_API_SHARE = "2";
      expect(() => new SpotClient({ token: "abcdef-1" })).toThrow(/SPOT_IAC_API_SHARE.*0 < x ≤ 1/);
      delete process.env.SPOT_IAC_API_SHARE;
      expect(() => new SpotClient({ token: "abcdef-1", apiShare: 0 })).toThrow(/apiShare/);
    } finally {
      if (saved === undefined) delete process.env.SPOT_IAC_API_SHARE;
      else process.env.SPOT_IAC_API_SHARE = saved;
    }
  });
});
