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

  it("registers plan, apply, drift and audit", () => {
    expect(program().p.commands.map((c) => c.name())).toEqual(["plan", "apply", "drift", "audit"]);
  });

  it("plan rejects a bad file with its position and exit 1", async () => {
    const f = tmp.write("bad.yaml", "version: 1\norganizations:\n  - name: a\n    tokenEnv: T\n    acounts: []\n");
    await program().p.parseAsync(["node", "spot-iac", "plan", "-f", f]);
    expect(process.exitCode).toBe(1);
    expect(stderr).toContain(`${f}:5:5: organizations[0].acounts: unknown key "acounts"`);
    expect(stdout).toBe("");
  });

  it("drift reports a missing token before any request", async () => {
    const f = tmp.write(
      "ok.yaml",
      "version: 1\norganizations:\n  - name: a\n    tokenEnv: SPOT_IAC_TEST_UNSET_TOKEN\n",
    );
    delete process.env.SPOT_IAC_TEST_UNSET_TOKEN;
    await program().p.parseAsync(["node", "spot-iac", "drift", "-f", f]);
    expect(process.exitCode).toBe(1);
    expect(stderr).toContain("environment variable SPOT_IAC_TEST_UNSET_TOKEN is not set");
  });

  it("validates --concurrency and requires --run", async () => {
    const a = program();
    await expect(a.p.parseAsync(["node", "spot-iac", "plan", "--concurrency", "0"])).rejects.toThrow();
    expect(a.err()).toContain("expected a whole number from 1 to 64");
    const b = program();
    await expect(b.p.parseAsync(["node", "spot-iac", "audit"])).rejects.toThrow();
    expect(b.err()).toContain("required option '--run <runId>' not specified");
  });
});
