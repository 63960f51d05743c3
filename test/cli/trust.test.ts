/**
 * The GitOps trust boundary, attacked through the commands: the file comes from a pull request and must not
 * choose where a token goes, which variables are read, or which files outside its repository are read or
 * written. Every attack is refused at file:line:col before any request; a listener on 127.0.0.1 stands for
 * the attacker's host and must hear nothing. The good paths run against the emulator.
 */
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { applyCommand, auditCommand, planCommand } from "../../src/cli/gitops/commands";
import type { ApplyCommandOptions, PlanCommandOptions } from "../../src/cli/gitops/commands";
import { withEmulator } from "../support/emulator";
import { capture, controlChars, tempDir } from "./fixtures/helpers";

const emu = withEmulator();

/** The attacker's host: records every request, answers nothing useful. */
const heard: { method?: string; url?: string; authorization?: string }[] = [];
const trap = createServer((req, res) => {
  heard.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
  res.writeHead(200, { "content-type": "application/json" }).end("{}");
});
let trapUrl = "";
beforeAll(async () => {
  await new Promise<void>((r) => trap.listen(0, "127.0.0.1", r));
  trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => trap.close(() => r())));
beforeEach(async () => {
  heard.length = 0;
  await emu.control.resetStats();
});

const CI_SECRETS = { GITHUB_TOKEN: "ghs_ci-job-token-never-sent", AWS_SECRET_ACCESS_KEY: "aws-ci-secret-never-sent" };
const PASSWORD = "Alice-Passw0rd-trust!";
const OUTSIDE = "outside-the-repository-never-read";

/**
 * A checkout: <base>/repo with a .git directory and the file in repo/config/spot.yaml, a file outside it
 * at <base>/etc/hostname (so `../../etc/hostname` from the file exists), and an organization with a token.
 */
async function checkout(spec: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const tmp = tempDir("spot-iac-trust-");
  const base = realpathSync(tmp.dir);
  const repo = join(base, "repo");
  const config = join(repo, "config");
  mkdirSync(join(repo, ".git"), { recursive: true });
  mkdirSync(config, { recursive: true });
  mkdirSync(join(base, "etc"));
  writeFileSync(join(base, "etc/hostname"), OUTSIDE + "\n");
  const org = await emu.control.bootstrap({ organizationName: `Platform ${Math.random().toString(16).slice(2, 8)}` });
  const env: NodeJS.ProcessEnv = {
    SPOTINST_BASE_URL: emu.url,
    SPOT_TOKEN_PLATFORM: org.token,
    SPOT_SECRET_ALICE_PASSWORD: PASSWORD,
    ...CI_SECRETS,
    ...extraEnv,
  };
  const cap = capture(env, config);
  const write = (rel: string, text: string) => {
    writeFileSync(join(config, rel), text);
    return join(config, rel);
  };
  write("spot.yaml", spec);
  const plan = (o: Partial<PlanCommandOptions> = {}) => (
    cap.clear(),
    planCommand({ file: "spot.yaml", ...o }, { io: cap.io })
  );
  const apply = (o: Partial<ApplyCommandOptions> = {}) => (
    cap.clear(),
    applyCommand({ file: "spot.yaml", autoApprove: true, ...o }, { io: cap.io })
  );
  return { base, repo, config, env, cap, org, write, plan, apply };
}

const SPEC = `version: 1
organizations:
  - name: platform
    ORG
    accounts:
      - name: prod
    users:
      - email: alice@example.com
        firstName: Alice
        lastName: Martin
        passwordEnv: SPOT_SECRET_ALICE_PASSWORD
`;

function spec(org = "", passwordLine = "passwordEnv: SPOT_SECRET_ALICE_PASSWORD"): string {
  // An empty slot keeps a line, so positions below it stay put.
  return SPEC.replace("ORG", org || "prune: false").replace("passwordEnv: SPOT_SECRET_ALICE_PASSWORD", passwordLine);
}

/** Nothing reached the attacker, nor the emulator, and no secret of the CI job or outside file was printed. */
async function nothingSent(s: Awaited<ReturnType<typeof checkout>>) {
  expect(heard).toEqual([]);
  expect((await emu.control.stats()).total).toBe(0);
  const printed = s.cap.out() + s.cap.err();
  for (const v of [...Object.values(CI_SECRETS), OUTSIDE, s.org.token]) expect(printed).not.toContain(v);
}

/** stderr's lines, with the file's path as the pipeline wrote it (-f spot.yaml). */
function refusal(s: Awaited<ReturnType<typeof checkout>>): string[] {
  return s.cap
    .err()
    .trim()
    .split("\n")
    .map((l) => l.replace(s.config + "/", ""));
}

describe("the file cannot choose where a token goes", () => {
  it("a baseUrl at another host is refused by plan, apply and drift; the host hears nothing", async () => {
    const s = await checkout(spec(`baseUrl: TRAP`).replace("TRAP", trapUrl));
    for (const run of [() => s.plan(), () => s.apply(), () => s.plan({ mode: "drift" })]) {
      expect((await run()).code).toBe(1);
      expect(refusal(s)).toEqual([
        `spot.yaml:4:14: organizations[0].baseUrl: ${trapUrl} is not a base URL this pipeline allows, and the file cannot choose where organization "platform"'s token is sent; remove baseUrl (the token then goes to ${emu.url}, from SPOTINST_BASE_URL), or have the pipeline allow it with --allow-base-url ${trapUrl} (or SPOT_IAC_ALLOWED_BASE_URLS), or set it with --base-url PLATFORM=${trapUrl}`,
        "1 problem in spot.yaml; nothing was sent to Spot.",
      ]);
      await nothingSent(s);
    }
  });

  it("user info cannot make another host look allowed", async () => {
    const emuHost = new URL(emu.url).host;
    const s = await checkout(spec(`baseUrl: http://${emuHost}@${new URL(trapUrl).host}`));
    expect((await s.plan({ allowBaseUrl: [emu.url] })).code).toBe(1);
    expect(refusal(s)[0]).toBe(
      "spot.yaml:4:14: organizations[0].baseUrl: must not carry a user name or password (user@host)",
    );
    await nothingSent(s);
  });

  it("an allowed baseUrl is used, compared after normalisation", async () => {
    // The pipeline's default is the trap: only the file's allowed URL can have reached the emulator.
    const s = await checkout(spec(`baseUrl: ${emu.url}/./`), {
      SPOTINST_BASE_URL: trapUrl,
    });
    const r = await s.plan({ allowBaseUrl: [emu.url + "//"] });
    expect(s.cap.err()).toBe("");
    expect(r.code).toBe(0);
    expect(s.cap.out()).toContain("Plan: 2 to create");
    expect(heard).toEqual([]);
    expect((await emu.control.stats()).total).toBeGreaterThan(0);
  });

  it("the allow-list also comes from SPOT_IAC_ALLOWED_BASE_URLS", async () => {
    const s = await checkout(spec(`baseUrl: ${emu.url}`), {
      SPOTINST_BASE_URL: trapUrl,
      SPOT_IAC_ALLOWED_BASE_URLS: `https://api.spotinst.io, ${emu.url}`,
    });
    expect((await s.plan()).code).toBe(0);
    expect(heard).toEqual([]);
  });

  it("the pipeline sets one organization's base URL by flag or SPOT_BASE_URL_<LABEL>; the file cannot differ", async () => {
    const s = await checkout(spec(), { SPOTINST_BASE_URL: trapUrl });
    expect((await s.plan({ baseUrl: [`platform=${emu.url}`] })).code).toBe(0);
    expect(heard).toEqual([]);

    const t = await checkout(spec(), { SPOTINST_BASE_URL: trapUrl, SPOT_BASE_URL_PLATFORM: emu.url });
    expect((await t.plan()).code).toBe(0);
    expect(heard).toEqual([]);

    t.write("spot.yaml", spec(`baseUrl: ${trapUrl}`));
    await emu.control.resetStats();
    expect((await t.plan({ allowBaseUrl: [trapUrl] })).code).toBe(1);
    expect(refusal(t)[0]).toBe(
      `spot.yaml:4:14: organizations[0].baseUrl: the pipeline sends organization "platform"'s token to ${emu.url} (SPOT_BASE_URL_PLATFORM); remove baseUrl from the file`,
    );
    await nothingSent(t);
  });
});

describe("the file cannot choose which variables are read", () => {
  it("a tokenEnv naming a CI variable is refused, with the expected name", async () => {
    const s = await checkout(spec("tokenEnv: GITHUB_TOKEN"));
    expect((await s.plan()).code).toBe(1);
    expect(refusal(s)[0]).toBe(
      'spot.yaml:4:15: organizations[0].tokenEnv: the file cannot choose which variable holds a token: the pipeline reads organization "platform"\'s token from SPOT_TOKEN_PLATFORM (pattern SPOT_TOKEN_{LABEL}, set by --token-env-pattern); write tokenEnv: SPOT_TOKEN_PLATFORM or leave tokenEnv out',
    );
    await nothingSent(s);
  });

  it("the pipeline's token pattern decides, and a tokenEnv that repeats it is accepted", async () => {
    const s = await checkout(spec("tokenEnv: CI_PLATFORM_SPOT"));
    s.env.CI_PLATFORM_SPOT = s.env.SPOT_TOKEN_PLATFORM;
    delete s.env.SPOT_TOKEN_PLATFORM;
    expect((await s.plan({ tokenEnvPattern: "CI_{LABEL}_SPOT" })).code).toBe(0);
    expect((await s.plan()).code).toBe(1);
    expect(s.cap.err()).toContain('the pipeline reads organization "platform"\'s token from SPOT_TOKEN_PLATFORM');
  });

  it("a secret variable outside the secret pattern, or a token variable, is refused", async () => {
    for (const [name, why] of [
      [
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SECRET_ACCESS_KEY is not a variable the file may read: secret variables must match SPOT_SECRET_* (the pipeline's --secret-env-pattern); name one that matches, e.g. SPOT_SECRET_AWS_SECRET_ACCESS_KEY, and have the pipeline export the password in it",
      ],
      [
        "SPOT_TOKEN_DATA",
        "SPOT_TOKEN_DATA is a token variable (pattern SPOT_TOKEN_{LABEL}); the file never sends a token as a secret; name one that matches, e.g. SPOT_SECRET_SPOT_TOKEN_DATA, and have the pipeline export the password in it",
      ],
    ]) {
      const s = await checkout(spec("", `passwordEnv: ${name}`), { SPOT_TOKEN_DATA: "token-of-data-never-sent" });
      expect((await s.apply()).code).toBe(1);
      expect(refusal(s)[0]).toBe(`spot.yaml:11:22: organizations[0].users[0].passwordEnv: ${why}`);
      await nothingSent(s);
      expect(s.cap.err()).not.toContain("token-of-data-never-sent");
    }
  });

  it("the secret pattern is the pipeline's, and cannot overlap the token pattern", async () => {
    const s = await checkout(spec("", "passwordEnv: CI_ALICE"));
    s.env.CI_ALICE = PASSWORD;
    expect((await s.plan({ secretEnvPattern: "CI_*" })).code).toBe(0);
    expect((await s.plan({ secretEnvPattern: "SPOT_*" })).code).toBe(1);
    expect(s.cap.err()).toBe(
      "spot-iac: --secret-env-pattern SPOT_* overlaps --token-env-pattern SPOT_TOKEN_{LABEL}: a file could send an organization's token as a secret; choose patterns no name matches both\nNothing was read or sent.\n",
    );
  });
});

describe("…File paths stay inside the repository", () => {
  const fileProblem = async (s: Awaited<ReturnType<typeof checkout>>, path: string, o = {}) => {
    s.write("spot.yaml", spec("", `passwordFile: ${JSON.stringify(path)}`));
    await emu.control.resetStats();
    expect((await s.apply(o)).code).toBe(1);
    await nothingSent(s);
    const [first] = refusal(s);
    expect(first).toMatch(/^spot\.yaml:11:23: organizations\[0\]\.users\[0\]\.passwordFile: /);
    return first.replace(/^.*?passwordFile: /, "");
  };

  it("no `..` out of it and no absolute path, even to a file that exists", async () => {
    const s = await checkout(spec());
    expect(readFileSync(join(s.config, "../../etc/hostname"), "utf8")).toContain(OUTSIDE);
    expect(await fileProblem(s, "../../etc/hostname")).toBe(
      `"../../etc/hostname" leaves the repository (${s.repo}, its git work tree); write a path inside it`,
    );
    expect(await fileProblem(s, join(s.base, "etc/hostname"))).toBe(
      `"${join(s.base, "etc/hostname")}" is an absolute path; write a path relative to the file, inside ${s.repo}`,
    );
    expect(await fileProblem(s, "../.git/config")).toBe(
      `"../.git/config" is under .git, which spot-iac never reads or writes`,
    );
  });

  it("no link out of it: the link is resolved and the target checked", async () => {
    const s = await checkout(spec());
    symlinkSync(join(s.base, "etc/hostname"), join(s.config, "alice.pw"));
    expect(await fileProblem(s, "alice.pw")).toBe(
      `${s.config}/alice.pw resolves to ${s.base}/etc/hostname, outside the repository (${s.repo}, its git work tree); point passwordFile at a regular file inside the repository holding the password`,
    );
  });

  it("/dev/zero fails at once, through a link or with the whole disk as root, without growing memory", async () => {
    const s = await checkout(spec());
    symlinkSync("/dev/zero", join(s.config, "zero"));
    const rss = process.memoryUsage().rss;
    expect(await fileProblem(s, "zero")).toMatch(/resolves to \/dev\/zero, outside the repository/);
    const up = relative(s.config, "/dev/zero");
    expect(await fileProblem(s, up, { root: "/" })).toBe(
      `${"/dev/zero"} is a device; only regular files are read; point passwordFile at a regular file inside the repository holding the password`,
    );
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 1024 * 1024);
  });

  it("a FIFO is refused without opening it (opening would wait for a writer)", async () => {
    const s = await checkout(spec());
    execFileSync("mkfifo", [join(s.config, "pipe")]);
    expect(await fileProblem(s, "pipe")).toBe(
      `${s.config}/pipe is a FIFO (named pipe); only regular files are read; point passwordFile at a regular file inside the repository holding the password`,
    );
  });

  it("a file over 64 KiB is refused before it is read", async () => {
    const s = await checkout(spec());
    s.write("big.pw", "x".repeat(64 * 1024 + 1));
    expect(await fileProblem(s, "big.pw")).toBe(
      `${s.config}/big.pw is 65537 bytes; the limit is 64 KiB; point passwordFile at a regular file inside the repository holding the password`,
    );
  });

  it("the YAML file itself follows the rules: a link out of the repository, or to /dev/zero, is refused", async () => {
    const s = await checkout(spec());
    symlinkSync(join(s.base, "etc/hostname"), join(s.config, "elsewhere.yaml"));
    symlinkSync("/dev/zero", join(s.config, "zero.yaml"));
    for (const f of ["elsewhere.yaml", "zero.yaml"]) {
      expect((await s.plan({ file: f })).code).toBe(1);
      expect(refusal(s)[0]).toBe(
        `${f}: ${s.config}/${f} resolves to ${f === "zero.yaml" ? "/dev/zero" : `${s.base}/etc/hostname`}, outside the repository (${s.repo}, its git work tree)`,
      );
      await nothingSent(s);
    }
  });

  it("a directory link between the file and its repository needs --root", async () => {
    const s = await checkout(spec());
    const other = join(s.base, "other");
    mkdirSync(join(other, ".git"), { recursive: true });
    writeFileSync(join(other, "spot.yaml"), spec());
    symlinkSync(other, join(s.repo, "linked"));
    expect((await s.plan({ file: "../linked/spot.yaml" })).code).toBe(1);
    expect(s.cap.err()).toContain(`${s.repo}/linked is a symbolic link, so the repository of`);
    await nothingSent(s);
  });

  it("files inside the repository are read, relative to the YAML file, through links that stay inside", async () => {
    const s = await checkout(spec("", "passwordFile: ../secrets/alice.pw"));
    mkdirSync(join(s.repo, "secrets"));
    writeFileSync(join(s.repo, "secrets/real.pw"), PASSWORD + "\n");
    symlinkSync("real.pw", join(s.repo, "secrets/alice.pw"));
    expect((await s.apply()).code).toBe(0);
    expect(s.cap.out()).toContain("Apply complete: 2 done");
    expect(heard).toEqual([]);
  });
});

describe("output files (tokenFile) are written only inside the repository", () => {
  const PU = `version: 1
organizations:
  - name: platform
    accounts:
      - name: prod
    programmaticUsers:
      - name: ci-deployer
        accounts:
          - account: prod
            role: editor
        tokenFile: TOKEN_FILE
`;

  it("not through a directory link out of it, not over a link, not into a FIFO", async () => {
    const s = await checkout(PU);
    mkdirSync(join(s.base, "outside"));
    writeFileSync(join(s.base, "outside/victim"), "do not overwrite\n");
    symlinkSync(join(s.base, "outside"), join(s.config, "out"));
    symlinkSync(join(s.base, "outside/victim"), join(s.config, "tok"));
    execFileSync("mkfifo", [join(s.config, "fifo")]);
    const cases: [string, string][] = [
      ["out/ci.token", `${s.config}/out resolves to ${s.base}/outside, outside the repository (${s.repo})`],
      ["tok", `${s.config}/tok is a symbolic link; spot-iac does not write through links (remove it)`],
      ["fifo", `${s.config}/fifo is a FIFO (named pipe); spot-iac writes only regular files`],
      [
        "../../ci.token",
        `"../../ci.token" leaves the repository (${s.repo}, its git work tree); write a path inside it`,
      ],
    ];
    for (const [path, why] of cases) {
      s.write("spot.yaml", PU.replace("TOKEN_FILE", path));
      await emu.control.resetStats();
      expect((await s.apply()).code).toBe(1);
      expect(refusal(s)[0]).toBe(
        `spot.yaml:11:20: organizations[0].programmaticUsers[0].tokenFile: ${why}${why.startsWith('"') ? "" : "; the token is written only to a regular file inside the repository"}`,
      );
      await nothingSent(s);
    }
    expect(readFileSync(join(s.base, "outside/victim"), "utf8")).toBe("do not overwrite\n");
  });

  it("inside it, the token is written 0600", async () => {
    const s = await checkout(PU.replace("TOKEN_FILE", "../.secrets/ci.token"));
    expect((await s.apply()).code).toBe(0);
    const path = join(s.repo, ".secrets/ci.token");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8").trim().length).toBeGreaterThan(20);
    expect(heard).toEqual([]);
  });
});

describe("every refusal is reported with the file's other problems, before any request", () => {
  it("lists them all, in file order", async () => {
    const s = await checkout(
      spec(`tokenEnv: GITHUB_TOKEN\n    baseUrl: ${trapUrl}`, "passwordEnv: AWS_SECRET_ACCESS_KEY\n        nmae: x"),
    );
    const where = () =>
      refusal(s).map((l) => l.replace(/^(spot\.yaml:\d+:\d+: [^:]+): .*$/, "$1").replace(/nothing.*/, ""));
    expect((await s.plan()).code).toBe(1);
    // A file that is not well-formed yet still says where its tokens would go…
    expect(where()).toEqual([
      "spot.yaml:4:15: organizations[0].tokenEnv",
      "spot.yaml:5:14: organizations[0].baseUrl",
      "spot.yaml:13:9: organizations[0].users[0].nmae",
      "3 problems in spot.yaml; ",
    ]);
    // …and once it is, every refusal shows at once.
    s.write(
      "spot.yaml",
      spec(`tokenEnv: GITHUB_TOKEN\n    baseUrl: ${trapUrl}`, "passwordEnv: AWS_SECRET_ACCESS_KEY").replace(
        "      - name: prod\n",
        "      - name: prod\n    programmaticUsers:\n      - name: ci\n        accounts: [{ account: prod, role: viewer }]\n        tokenFile: /etc/ci.token\n",
      ),
    );
    expect((await s.plan()).code).toBe(1);
    expect(where()).toEqual([
      "spot.yaml:4:15: organizations[0].tokenEnv",
      "spot.yaml:5:14: organizations[0].baseUrl",
      "spot.yaml:11:20: organizations[0].programmaticUsers[0].tokenFile",
      "spot.yaml:16:22: organizations[0].users[0].passwordEnv",
      "4 problems in spot.yaml; ",
    ]);
    await nothingSent(s);
  });
});

describe("the journal cannot redirect the audit either", () => {
  it("a journal line naming another host or variable is not followed", async () => {
    const s = await checkout(spec());
    const journal = join(s.config, ".spot-iac/journal.jsonl");
    mkdirSync(join(s.config, ".spot-iac"));
    const line = {
      v: 1,
      runId: "r-poisoned",
      started: new Date().toISOString(),
      time: new Date().toISOString(),
      organization: "platform",
      tokenEnv: "GITHUB_TOKEN",
      baseUrl: trapUrl,
      kind: "Account",
      name: "prod\u001b[2J",
      action: "create",
      fields: [],
      status: "done",
    };
    writeFileSync(journal, JSON.stringify(line) + "\n");
    s.cap.clear();
    expect((await auditCommand({ run: "r-poisoned" }, { io: s.cap.io })).code).toBe(1);
    expect(s.cap.out()).toContain(
      `error: cannot read the audit log: the journal says organization "platform" was reached at ${trapUrl}, where this pipeline does not send its token`,
    );
    await nothingSent(s);

    // Without a base URL on the line, the token variable is still the pattern's, not the line's.
    writeFileSync(journal, JSON.stringify({ ...line, baseUrl: undefined }) + "\n");
    s.cap.clear();
    expect((await auditCommand({ run: "r-poisoned" }, { io: s.cap.io })).code).toBe(1);
    expect(s.cap.out()).toContain("✗ create Account prod\\x1b[2J — no audit event records it");
    expect(s.cap.out()).not.toContain("\u001b");
    expect(heard).toEqual([]);
  });
});

describe("terminal escapes in names", () => {
  it("are shown as escapes in the plan header, rows and errors", async () => {
    const name = "platform\u001b]0;owned\u0007";
    const s = await checkout(
      spec()
        .replace("name: platform", `name: ${JSON.stringify(name)}`)
        .replace("name: prod", 'name: "prod\\u202e\\r"'),
    );
    // The label turns every character other than a letter or digit into _.
    s.env.SPOT_TOKEN_PLATFORM__0_OWNED_ = s.env.SPOT_TOKEN_PLATFORM;
    expect((await s.plan()).code).toBe(0);
    const out = s.cap.out();
    expect(out).toContain(`Organization platform\\x1b]0;owned\\x07 (${s.org.organizationId})\n`);
    expect(out).toContain("+ Account prod\\u202e\\r will be created");
    expect(controlChars(out)).toEqual([]);
    await s.plan({ markdown: true });
    expect(s.cap.out()).toContain("#### Organization `platform\\x1b]0;owned\\x07`");
    expect(controlChars(s.cap.out())).toEqual([]);

    s.write("spot.yaml", spec().replace("        passwordEnv", '        "\\e[2Jpassword": x\n        passwordEnv'));
    expect((await s.plan()).code).toBe(1);
    expect(s.cap.err()).toContain('organizations[0].users[0].\\x1b[2Jpassword: unknown key "\\x1b[2Jpassword"');
    expect(controlChars(s.cap.err())).toEqual([]);
  });
});
