/** The commander wiring: commands exist, options reach the command functions, exit codes are set. */
import { Command } from "commander";
import { register } from "../../src/cli/gitops";
import { tempDir } from "./fixtures/helpers";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function program(): { p: Command; err: () => string } {
  let err = "";
  const p = new Command("spot-iac")
    .exitOverride()
    .configureOutput({ writeErr: (s) => void (err += s), writeOut: () => undefined });
  register(p);
  for (const c of p.commands)
    c.exitOverride().configureOutput({ writeErr: (s) => void (err += s), writeOut: () => undefined });
  return { p, err: () => err };
}

describe("spot-iac gitops commands", () => {
  let stderr = "";
  let stdout = "";
  beforeEach(() => {
    stderr = "";
    stdout = "";
    jest.spyOn(process.stderr, "write").mockImplementation((s: any) => ((stderr += String(s)), true));
    jest.spyOn(process.stdout, "write").mockImplementation((s: any) => ((stdout += String(s)), true));
    process.exitCode = undefined;
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.exitCode = undefined;
  });

  it("registers validate, plan, apply, drift, export and audit", () => {
    expect(program().p.commands.map((c) => c.name())).toEqual([
      "validate",
      "plan",
      "apply",
      "drift",
      "export",
      "audit",
    ]);
  });

  it("validate needs no token: a good file passes (exit 0), --json reports problems on stdout (exit 1)", async () => {
    const good = tmp.write("valid.yaml", "version: 1\norganizations:\n  - name: spot-iac validate test\n");
    await program().p.parseAsync(["node", "spot-iac", "validate", "-f", good]);
    expect(process.exitCode).toBe(0);
    expect(stdout).toBe(`${good}: valid (1 organization, 0 objects).\n`);
    stdout = "";
    const bad = tmp.write("invalid.yaml", "version: 1\norganizations:\n  - name: a\n    acounts: []\n");
    await program().p.parseAsync(["node", "spot-iac", "validate", "-f", bad, "--json", "--org", "a"]);
    expect(process.exitCode).toBe(1);
    expect(stderr).toBe("");
    expect(JSON.parse(stdout).problems).toEqual([
      expect.objectContaining({ file: bad, line: 4, column: 5, where: "organizations[0].acounts" }),
    ]);
  });

  it("plan rejects a bad file with its position and exit 1", async () => {
    const f = tmp.write("bad.yaml", "version: 1\norganizations:\n  - name: a\n    acounts: []\n");
    await program().p.parseAsync(["node", "spot-iac", "plan", "-f", f]);
    expect(process.exitCode).toBe(1);
    expect(stderr).toContain(`${f}:4:5: organizations[0].acounts: unknown key "acounts"`);
    expect(stdout).toBe("");
  });

  it("drift reports a missing token before any request", async () => {
    const f = tmp.write("ok.yaml", "version: 1\norganizations:\n  - name: spot-iac test unset\n");
    delete process.env.SPOT_TOKEN_SPOT_IAC_TEST_UNSET;
    await program().p.parseAsync(["node", "spot-iac", "drift", "-f", f]);
    expect(process.exitCode).toBe(1);
    expect(stderr).toContain(
      `${f}:3:11: organizations[0].name: environment variable SPOT_TOKEN_SPOT_IAC_TEST_UNSET is not set`,
    );
  });

  it("the pipeline's flags reach the loader: patterns, allowed base URL, root", async () => {
    const f = tmp.write(
      "flags.yaml",
      [
        "version: 1",
        "organizations:",
        "  - name: a",
        "    baseUrl: http://127.0.0.1:1",
        "    users:",
        "      - { email: a@example.com, firstName: A, lastName: B, passwordEnv: CLI_SECRET_A }",
        "      - { email: b@example.com, firstName: B, lastName: C, passwordFile: ../spot-iac-cli-flags.pw }",
        "",
      ].join("\n"),
    );
    const flags = ["--token-env-pattern", "CLI_TEST_{LABEL}", "--secret-env-pattern", "CLI_SECRET_*"];
    const more = ["--allow-base-url", "http://127.0.0.1:1", "--root", `${tmp.dir}/..`];
    await program().p.parseAsync(["node", "spot-iac", "plan", "-f", f, ...flags, ...more]);
    expect(process.exitCode).toBe(1);
    const problems = stderr.split("\n").map((l) => l.replace(/^.*?: organizations\[0\]\./, ""));
    expect(problems.slice(0, 3)).toEqual([
      'name: environment variable CLI_TEST_A is not set; export organization "a"\'s Spot token in it',
      "users[0].passwordEnv: environment variable CLI_SECRET_A is not set; export the password in it",
      expect.stringMatching(/^users\[1\]\.passwordFile: cannot read .*spot-iac-cli-flags\.pw \(ENOENT\)/),
    ]);
    stderr = "";
    await program().p.parseAsync(["node", "spot-iac", "drift", "-f", f, "--base-url", "ftp://x"]);
    expect(process.exitCode).toBe(1);
    expect(stderr).toBe(
      'spot-iac: --base-url: "ftp://x" must start with http:// or https://\nNothing was read or sent.\n',
    );
  });

  it("checks option values before running anything", async () => {
    const refused = async (args: string[], message: string) => {
      const x = program();
      await expect(x.p.parseAsync(["node", "spot-iac", ...args])).rejects.toThrow();
      expect(x.err()).toContain(message);
    };
    await refused(["plan", "--concurrency", "0"], "expected a whole number from 1 to 64");
    await refused(["audit"], "required option '--run <runId>' not specified");
    await refused(["export"], "required option '--token-env <var>' not specified");
    await refused(["apply", "--max-deletes", "-1"], "expected a whole number ≥ 0");
    await refused(["apply", "--max-delete-percent", "101"], "expected a percentage from 0 to 100");
    await refused(["plan", "--replace", "ci-deployer"], "expected Kind/name, e.g. ProgrammaticUser/ci-deployer");
    await refused(["apply", "--run-id", "run id!"], "expected 1-64 letters, digits, . _ : -");
    await refused(["plan", "--api-share", "150%"], "expected a share 0 < x ≤ 1, or a percentage");
    expect(stdout + stderr).toBe("");
  });

  it("apply --plan names a saved plan that cannot be read, and reads no file", async () => {
    await program().p.parseAsync(["node", "spot-iac", "apply", "--plan", `${tmp.dir}/none.plan`]);
    expect(process.exitCode).toBe(1);
    expect(stderr).toMatch(/^spot-iac: cannot read the saved plan .*none\.plan: ENOENT/);
  });
});
