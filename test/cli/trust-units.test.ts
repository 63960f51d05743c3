/**
 * The pieces of the trust boundary on their own: base URL normalisation and the pipeline's patterns, the
 * path rules (reads bounded, output files re-checked at write time), loading without secrets, and the one
 * escaping function every text and Markdown output goes through.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ApplyResult } from "../../src/cli/gitops/applier";
import { FileError } from "../../src/cli/gitops/loader";
import type { Plan } from "../../src/cli/gitops/model";
import { checkOutputPath, findRoot, readBounded, SECRET_FILE_LIMIT, writeOutputFile } from "../../src/cli/gitops/paths";
import { normaliseBaseUrl, orgLabel, Pipeline, UsageError } from "../../src/cli/gitops/pipeline";
import { renderApplyText, renderMarkdown, renderText } from "../../src/cli/gitops/render";
import { loadSpotFile } from "../../src/cli/gitops/validate";
import { visible } from "../../src/cli/gitops/visible";
import { isUnknown, registry } from "../../src/core";
import { controlChars, tempDir } from "./fixtures/helpers";

const tmp = tempDir("spot-iac-trust-units-");
const dir = realpathSync(tmp.dir);
afterAll(() => tmp.cleanup());

describe("base URLs", () => {
  it("are normalised to scheme, lower-case host, port when not the default, path without trailing slash", () => {
    expect(normaliseBaseUrl("HTTPS://API.Spotinst.IO:443/")).toEqual({ url: "https://api.spotinst.io" });
    expect(normaliseBaseUrl("http://127.0.0.1:8787//")).toEqual({ url: "http://127.0.0.1:8787" });
    expect(normaliseBaseUrl("http://h:80/a/../b/")).toEqual({ url: "http://h/b" });
  });

  it("refuse user info, queries, fragments and other schemes rather than drop them", () => {
    const problem = (u: string) => (normaliseBaseUrl(u) as { problem?: string }).problem;
    expect(problem("https://api.spotinst.io@evil.example")).toMatch(/user name or password/);
    expect(problem("https://:@evil.example")).toMatch(/user name or password/);
    expect(problem("https://evil.example?x=https://api.spotinst.io")).toMatch(/query/);
    expect(problem("https://evil.example#api.spotinst.io")).toMatch(/fragment/);
    expect(problem("file:///etc/passwd")).toMatch(/http:\/\/ or https:\/\//);
    expect(problem("not a url")).toMatch(/is not a URL/);
  });

  it("the pipeline's choice: flag over environment, one organization over all, Spot's API by default", () => {
    expect(new Pipeline({}, {}).endpoint("x")).toEqual({ url: "https://api.spotinst.io", source: "the default" });
    const env = { SPOTINST_BASE_URL: "http://all:1", SPOT_BASE_URL_DATA_EU: "http://data:1" };
    const p = new Pipeline({ baseUrl: ["http://flag:1", "platform=http://platform:1"] }, env);
    expect(p.endpoint("data-eu").url).toBe("http://data:1");
    expect(p.endpoint("platform")).toEqual({ url: "http://platform:1", source: "--base-url platform=" });
    expect(p.endpoint("other")).toEqual({ url: "http://flag:1", source: "--base-url" });
    expect(new Pipeline({}, env).endpoint("other").source).toBe("SPOTINST_BASE_URL");
    // The variable's label is read the way names are labelled.
    expect(new Pipeline({}, { "SPOT_BASE_URL_data-eu": "http://d:1" }).endpoint("Data_EU").url).toBe("http://d:1");
  });

  it("a file's baseUrl: the pipeline's own, or on the allow-list; never one the pipeline set differently", () => {
    const p = new Pipeline(
      { allowBaseUrl: ["http://allowed:9/"], baseUrl: ["pinned=http://pinned:1"] },
      { SPOTINST_BASE_URL: "http://default:1", SPOT_IAC_ALLOWED_BASE_URLS: "http://also:2, http://also:3" },
    );
    expect(p.fileBaseUrl("a", "HTTP://ALLOWED:9")).toEqual({ url: "http://allowed:9" });
    expect(p.fileBaseUrl("a", "http://also:3")).toEqual({ url: "http://also:3" });
    expect(p.fileBaseUrl("a", "http://default:1/")).toEqual({ url: "http://default:1" });
    expect(p.fileBaseUrl("a", "http://allowed:10")).toHaveProperty("problem");
    expect(p.fileBaseUrl("pinned", "http://allowed:9")).toEqual({
      problem: `the pipeline sends organization "pinned"'s token to http://pinned:1 (--base-url pinned=); remove baseUrl from the file`,
    });
  });

  it("bad settings are usage errors, all at once, without echoing user info", () => {
    let e: unknown;
    try {
      new Pipeline({ allowBaseUrl: ["ftp://x"] }, { SPOTINST_BASE_URL: "https://user:s3cret@host" });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).problems).toEqual([
      'SPOTINST_BASE_URL: "https://…@host" must not carry a user name or password (user@host)',
      '--allow-base-url: "ftp://x" must start with http:// or https://',
    ]);
  });
});

describe("variable names", () => {
  it("an organization's label: letters and digits upper-cased, everything else _", () => {
    expect(orgLabel("data-eu.prod")).toBe("DATA_EU_PROD");
    expect(orgLabel("Ünïcode 1")).toBe("_N_CODE_1");
    expect(new Pipeline({}, {}).tokenEnv("data-eu")).toBe("SPOT_TOKEN_DATA_EU");
    expect(new Pipeline({ tokenEnvPattern: "CI_{LABEL}_SPOT" }, {}).tokenEnv("a")).toBe("CI_A_SPOT");
  });

  it("patterns must have a fixed prefix, and the secret pattern must not meet the token pattern", () => {
    const problems = (o: ConstructorParameters<typeof Pipeline>[0]) => {
      try {
        new Pipeline(o, {});
        return [];
      } catch (e) {
        return (e as UsageError).problems;
      }
    };
    expect(problems({ tokenEnvPattern: "{LABEL}" })[0]).toMatch(/after a fixed prefix/);
    expect(problems({ tokenEnvPattern: "T_{LABEL}_{LABEL}" })[0]).toMatch(/\{LABEL\} once/);
    expect(problems({ tokenEnvPattern: "SPOT-{LABEL}" })[0]).toMatch(/must be a variable name/);
    expect(problems({ secretEnvPattern: "*" })[0]).toMatch(/after a fixed prefix/);
    expect(problems({ secretEnvPattern: "SPOT_*" })[0]).toMatch(/overlaps --token-env-pattern/);
    expect(problems({ secretEnvPattern: "*_TOKEN_X", tokenEnvPattern: "A{LABEL}" })[0]).toMatch(/fixed prefix/);
    expect(problems({ secretEnvPattern: "A*X", tokenEnvPattern: "AB{LABEL}" })[0]).toMatch(/overlaps/);
    expect(problems({ secretEnvPattern: "SPOTI*" })).toEqual([
      "--secret-env-pattern SPOTI* matches SPOTINST_TOKEN; choose a narrower pattern",
    ]);
    // Lower-case letters never come out of a label: these two cannot meet.
    expect(problems({ secretEnvPattern: "Tx*", tokenEnvPattern: "T{LABEL}" })).toEqual([]);
    expect(problems({ secretEnvPattern: "SPOT_SECRET_*" })).toEqual([]);
  });

  it("secret variables match the secret pattern and are never token variables", () => {
    const p = new Pipeline({}, {});
    expect(p.isSecretEnv("SPOT_SECRET_ALICE")).toBe(true);
    expect(p.isSecretEnv("SPOT_TOKEN_DATA")).toBe(false);
    expect(p.isSecretEnv("AWS_SECRET_ACCESS_KEY")).toBe(false);
    expect(p.isSecretEnv("SPOT_SECRET_")).toBe(true);
  });
});

describe("paths", () => {
  const root = { dir, how: "test" };

  it("a read is bounded: exactly the limit is read, one byte more is refused", () => {
    writeFileSync(join(dir, "limit"), "a".repeat(SECRET_FILE_LIMIT));
    writeFileSync(join(dir, "over"), "a".repeat(SECRET_FILE_LIMIT + 1));
    expect(readBounded(root, join(dir, "limit"), SECRET_FILE_LIMIT).length).toBe(SECRET_FILE_LIMIT);
    expect(() => readBounded(root, join(dir, "over"), SECRET_FILE_LIMIT)).toThrow(
      `${dir}/over is 65537 bytes; the limit is 64 KiB`,
    );
  });

  it("devices are refused even when the root would contain them", () => {
    expect(() => readBounded({ dir: "/", how: "test" }, "/dev/zero", SECRET_FILE_LIMIT)).toThrow(
      "/dev/zero is a device; only regular files are read",
    );
  });

  it("the root: --root, else the git work tree, else the file's directory", () => {
    mkdirSync(join(dir, "wt/.git"), { recursive: true });
    mkdirSync(join(dir, "wt/a/b"), { recursive: true });
    expect(findRoot(join(dir, "wt/a/b/spot.yaml"))).toEqual({ dir: join(dir, "wt"), how: "its git work tree" });
    expect(findRoot(join(dir, "spot.yaml"))).toEqual({ dir, how: "its directory" });
    expect(findRoot(join(dir, "wt/a/b/spot.yaml"), join(dir, "wt/a"))).toEqual({
      dir: join(dir, "wt/a"),
      how: `--root ${join(dir, "wt/a")}`,
    });
    expect(() => findRoot("x.yaml", join(dir, "nope"))).toThrow(`--root ${join(dir, "nope")}: ENOENT`);
  });

  it("an output file: written 0600 in new 0700 directories, replacing a regular file", () => {
    const path = join(dir, "out/deep/ci.token");
    expect(writeOutputFile(dir, path, "tok-1\n")).toBe(path);
    expect(readFileSync(path, "utf8")).toBe("tok-1\n");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "out/deep")).mode & 0o777).toBe(0o700);
    writeFileSync(path, "old", { mode: 0o644 });
    writeOutputFile(dir, path, "tok-2\n");
    expect(readFileSync(path, "utf8")).toBe("tok-2\n");
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("an output file is re-checked at write time: a link planted after loading is not followed", () => {
    const outside = realpathSync(tempDir("spot-iac-outside-").dir);
    writeFileSync(join(outside, "victim"), "keep\n");
    const path = join(dir, "late/ci.token");
    expect(() => checkOutputPath(dir, path)).not.toThrow();
    // After the load: the directory becomes a link out of the root…
    symlinkSync(outside, join(dir, "late"));
    expect(() => writeOutputFile(dir, path, "tok\n")).toThrow(`${dir}/late resolves to ${outside}, outside`);
    // …or the file itself a link to a file outside.
    const file = join(dir, "linked.token");
    expect(() => checkOutputPath(dir, file)).not.toThrow();
    symlinkSync(join(outside, "victim"), file);
    expect(() => writeOutputFile(dir, file, "tok\n")).toThrow("is a symbolic link; spot-iac does not write through");
    expect(readFileSync(join(outside, "victim"), "utf8")).toBe("keep\n");
    execFileSync("mkfifo", [join(dir, "fifo.token")]);
    expect(() => writeOutputFile(dir, join(dir, "fifo.token"), "tok\n")).toThrow("is a FIFO (named pipe)");
    expect(() => writeOutputFile(dir, join(dir, "../escape.token"), "tok\n")).toThrow("is outside the repository");
  });
});

describe("loading without secrets (validate, audit)", () => {
  const kinds = registry().kinds;
  const text = (password: string) => `version: 1
organizations:
  - name: platform
    users:
      - email: a@example.com
        firstName: A
        lastName: B
        ${password}
`;
  const load = (t: string) => {
    writeFileSync(join(dir, "nosecrets.yaml"), t);
    return loadSpotFile(join(dir, "nosecrets.yaml"), { kinds, env: {}, readSecrets: false, requireTokens: false });
  };
  const problems = (t: string) => {
    try {
      load(t);
    } catch (e) {
      if (e instanceof FileError) return e.problems.map((p) => p.message);
      throw e;
    }
    return [];
  };

  it("needs no token, no secret variable and no secret file", () => {
    expect(load(text("passwordEnv: SPOT_SECRET_UNSET")).orgs[0].tokenEnv).toBe("SPOT_TOKEN_PLATFORM");
    expect(isUnknown(load(text("passwordFile: not-there.pw")).orgs[0].objects[0].inputs.password)).toBe(true);
  });

  it("still refuses what the file may not name", () => {
    expect(problems(text("passwordEnv: AWS_SECRET_ACCESS_KEY"))[0]).toMatch(/not a variable the file may read/);
    expect(problems(text("passwordFile: ../x.pw"))[0]).toMatch(/leaves the repository/);
  });

  it("two organizations whose names give the same token variable are refused", () => {
    expect(problems("version: 1\norganizations:\n  - name: data-eu\n  - name: data_eu\n")).toEqual([
      'organizations "data-eu" and "data_eu" would both read their token from SPOT_TOKEN_DATA_EU (characters other than letters and digits become _); rename one',
    ]);
  });
});

describe("escapes in output", () => {
  it("visible() shows C0, DEL, C1, bidi controls and line separators as escapes, and leaves text alone", () => {
    expect(visible("a\u001b[2Jb\u0007\r\n\t\u007f\u009b\u202e\u2066\u2028é→")).toBe(
      "a\\x1b[2Jb\\x07\\r\\n\\t\\x7f\\x9b\\u202e\\u2066\\u2028é→",
    );
  });

  const evil = "x\u001b]0;pwned\u0007\u009b2J\r\n### spot-iac plan: no changes\u202e";
  const plan: Plan = {
    file: "spot.yaml",
    orgs: [
      {
        name: `org${evil}`,
        organizationId: `606${evil}`,
        entries: [
          {
            key: "k",
            org: "o",
            kind: "Account",
            name: `acct${evil}`,
            action: "update",
            id: `act-${evil}`,
            fields: [{ field: "name", before: `a${evil}`, after: "b" }],
            deps: [],
            reason: `because${evil}`,
          },
        ],
        warnings: [`warn${evil}<img src=x>`],
        errors: [`Spot said ${evil}`],
      },
    ],
  };

  it("the text plan, the Markdown comment and the apply summary carry no control character", () => {
    const text = renderText(plan, { color: false, mode: "plan" });
    expect(controlChars(text)).toEqual([]);
    expect(text).toContain("Organization orgx\\x1b]0;pwned\\x07\\x9b2J\\r\\n### spot-iac plan: no changes\\u202e");
    // Nothing the names carry starts a line of its own.
    expect(text.split("\n").filter((l) => l.startsWith("### "))).toEqual([]);
    const md = renderMarkdown(plan, "plan");
    expect(controlChars(md)).toEqual([]);
    expect(md.split("\n").filter((l) => l.startsWith("### "))).toHaveLength(1);
    expect(md).toContain("⚠️ warnx\\x1b]0;pwned");
    expect(md).toContain("&lt;img src=x&gt;");
    const result: ApplyResult = {
      runId: "r1",
      outcomes: [{ entry: plan.orgs[0].entries[0], status: "failed", message: `Spot said ${evil}` }],
      warnings: [`note${evil}`],
    };
    const applied = renderApplyText(result, false);
    expect(controlChars(applied)).toEqual([]);
    expect(applied).toContain("✗ update Account acctx\\x1b]0;pwned");
  });
});
