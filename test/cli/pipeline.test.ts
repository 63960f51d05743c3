/**
 * The GitOps commands as a pipeline runs them, against the emulator with two organizations and the real kinds:
 * `validate` offline, `plan --out` / `apply --plan`, `export` then a plan of the exported file, `--org`, the
 * per-organization lock, and progress lines that keep `--json` output pure.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { withEmulator } from "../support/emulator";
import { accountsNamed, requests, scenario } from "./fixtures/scenario";
import type { Scenario } from "./fixtures/scenario";

const emu = withEmulator();
afterEach(() => emu.control.clearFaults());

const TWO_ORGS = `version: 1
organizations:
  - name: platform
    accounts:
      - name: prod
        slackNotificationChannels: [https://hooks.slack.com/services/T/B/prod]
    users:
      - email: erin@example.com
        firstName: Erin
        lastName: Poe
    userAttachments:
      - account: prod
        user: erin@example.com
        role: editor
  - name: data
    accounts:
      - name: analytics
`;

/** Every value a saved plan, a log or a journal must never hold: secrets, tokens, the parts of the GCP key. */
function secretValues(s: Scenario, extra: string[] = []): string[] {
  const key = JSON.parse(s.secrets.SPOT_SECRET_GCP_SERVICE_ACCOUNT_KEY);
  const pem = String(key.private_key)
    .split("\n")
    .filter((l) => l.length > 20 && !l.startsWith("-----"));
  return [
    ...Object.values(s.secrets),
    s.platform.token,
    s.data.token,
    key.private_key_id,
    JSON.stringify(key.private_key).slice(1, -1),
    ...pem,
    ...extra,
  ];
}

describe("validate", () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await scenario(emu);
  });

  it("passes a good file with no token and no secret variable set, and sends nothing", async () => {
    const restore = s.useEnv({});
    await emu.control.resetStats();
    try {
      const r = await s.validate();
      expect(s.cap.err()).toBe("");
      expect(s.cap.out()).toBe("spot.yaml: valid (2 organizations, 17 objects).\n");
      expect(r.code).toBe(0);
      await s.validate({ json: true });
      // What a pipeline builds its matrix from: one job per organization, with its token variable.
      expect(JSON.parse(s.cap.out())).toEqual({
        format: "spot-iac/problems@1",
        ok: true,
        problems: [],
        organizations: [
          { name: "platform", label: "PLATFORM", tokenEnv: "SPOT_TOKEN_PLATFORM", objects: 12 },
          { name: "data", label: "DATA", tokenEnv: "SPOT_TOKEN_DATA", objects: 5 },
        ],
      });
      await s.validate({ org: ["data"] });
      expect(s.cap.out()).toBe("spot.yaml: valid (1 organization, 5 objects).\n");
    } finally {
      restore();
    }
    expect((await requests(emu)).total).toBe(0);
  });

  const BAD = `version: 1
organizations:
  - name: platform
    accounts:
      - name: prod
        slackNotificationChanels: [https://hooks.slack.com/services/T/B/prod]
      - name: prod
    users:
      - email: erin.example.com
        firstName: Erin
        lastName: Poe
      - email: frank@example.com
        firstName: [Frank]
        lastName: Roe
    userAttachments:
      - account: prd
        user: frank@example.com
        role: owner
  - name: data
    accounts:
      - name: analytics
        gcp:
          serviceAccountKeyEnv: AWS_SECRET_ACCESS_KEY
`;
  const EXPECTED = [
    'bad.yaml:6:9: organizations[0].accounts[0].slackNotificationChanels: unknown key "slackNotificationChanels" (did you mean "slackNotificationChannels"?); expected one of name, slackNotificationChannels, allowDeletion, id, awsExternalId, aws, azure, gcp',
    'bad.yaml:7:9: organizations[0].accounts[1]: Account "prod" is declared twice in organization "platform" (first at line 5); names are unique per kind',
    'bad.yaml:9:16: organizations[0].users[0].email: User "erin.example.com": email must be an e-mail address like "jane@example.com"; got "erin.example.com"',
    "bad.yaml:13:20: organizations[0].users[1].firstName: expected a string, got a list",
    'bad.yaml:16:18: organizations[0].userAttachments[0].account: no Account named "prd" is declared in organization "platform" (declared: prod); declare it, or write { id: "<id>" } for one this file does not manage',
    'bad.yaml:18:15: organizations[0].userAttachments[0].role: expected one of "viewer", "editor"; got string "owner"',
    "bad.yaml:23:33: organizations[1].accounts[0].gcp.serviceAccountKeyEnv: AWS_SECRET_ACCESS_KEY is not a variable the file may read: secret variables must match SPOT_SECRET_* (the pipeline's --secret-env-pattern); name one that matches, e.g. SPOT_SECRET_AWS_SECRET_ACCESS_KEY, and have the pipeline export the serviceAccountKey in it",
  ];

  it("reports every independent mistake of a bad file at once, each at file:line:col, and exits 1", async () => {
    s.write("bad.yaml", BAD);
    const restore = s.useEnv({});
    await emu.control.resetStats();
    try {
      const r = await s.validate({ file: "bad.yaml" });
      expect(r.code).toBe(1);
      expect(s.cap.out()).toBe("");
      const lines = s.rel(s.cap.err()).trim().split("\n");
      expect(lines).toEqual([...EXPECTED, `${EXPECTED.length} problems in bad.yaml; nothing was sent to Spot.`]);
    } finally {
      restore();
    }
    expect((await requests(emu)).total).toBe(0);
  });

  it("--json gives the same problems as JSON on stdout, and nothing on stderr", async () => {
    const restore = s.useEnv({});
    try {
      const r = await s.validate({ file: "bad.yaml", json: true });
      expect(r.code).toBe(1);
      expect(s.cap.err()).toBe("");
      const json = JSON.parse(s.cap.out());
      expect(json).toMatchObject({ format: "spot-iac/problems@1", ok: false });
      expect(json.problems.every((p: any) => p.file === join(s.dir, "bad.yaml"))).toBe(true);
      expect(json.problems.map((p: any) => `bad.yaml:${p.line}:${p.column}: ${p.where}: ${p.message}`)).toEqual(
        EXPECTED,
      );
    } finally {
      restore();
    }
  });
});

describe("plan --out, then apply --plan", () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await scenario(emu);
  });

  it("saves the reviewed plan without a secret value, and applies exactly it without asking", async () => {
    const p = await s.plan({ out: "reviewed.plan" });
    expect(p.code).toBe(0);
    expect(s.cap.err()).toBe(
      "Plan saved to reviewed.plan: apply exactly it with `spot-iac apply --plan reviewed.plan`.\n",
    );
    const saved = s.read("reviewed.plan");
    expect(statSync(join(s.dir, "reviewed.plan")).mode & 0o777).toBe(0o600);
    for (const v of secretValues(s)) expect(saved).not.toContain(v);
    expect(JSON.parse(saved)).toMatchObject({
      format: "spot-iac/saved-plan@1",
      file: "spot.yaml",
      fileDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      organizations: ["platform", "data"],
      plan: { summary: { create: 17 } },
    });

    // No terminal and no --auto-approve: the saved plan was the review.
    const a = await s.apply({ plan: "reviewed.plan", file: undefined, autoApprove: false });
    expect(s.cap.err()).toBe("");
    expect(s.cap.out()).toContain("Apply complete: 17 done, 0 failed, 0 not done.");
    expect(a.code).toBe(0);
    expect((await s.drift()).code).toBe(0);
  });

  it("refuses a plan that live state overtook, says what moved, and changes nothing", async () => {
    const A = "https://hooks.slack.com/services/T0000/B0000/prodalerts";
    const B = "https://hooks.slack.com/services/T0000/B0000/second";
    s.write("spot.yaml", s.read("spot.yaml").replace(`          - ${A}\n`, `          - ${A}\n          - ${B}\n`));
    expect((await s.plan({ out: "channels.plan" })).code).toBe(0);
    expect(s.cap.out()).toContain("Plan: 0 to create, 1 to update, 0 to replace, 0 to delete.");
    // Someone changes the same account in the console before the plan is applied.
    const [prod] = await accountsNamed(s.platform, "prod");
    const C = "https://hooks.slack.com/services/T0000/B0000/console";
    await s.platform.client.accounts.update(prod.accountId, { name: "prod", slackNotificationChannels: [C] });
    await emu.control.resetStats();

    const a = await s.apply({ plan: "channels.plan", file: undefined });
    // 3: refused, nothing changed — plan again (1 would be a failure, possibly half-applied).
    expect(a.code).toBe(3);
    expect(s.cap.err()).toBe(
      "refused: Account prod (platform): changed in Spot since the plan (slackNotificationChannels)\n" +
        "Live state or the file moved since channels.plan was saved; nothing was applied.\n",
    );
    expect((await requests(emu)).writes).toEqual([]);
    const live = await s.platform.client.accounts.get(prod.accountId, { direct: true });
    expect((live as any).slackNotificationChannels).toEqual([C]);

    // An object that vanished since is named too.
    expect((await s.plan({ out: "channels.plan" })).code).toBe(0);
    const [pol] = await s.data.client.access.policies.findByName("analysts");
    await s.data.client.access.policies.delete(pol.id);
    await emu.control.resetStats();
    expect((await s.apply({ plan: "channels.plan", file: undefined })).code).toBe(3);
    expect(s.cap.err()).toContain(
      "refused: AccessPolicy analysts (data): now needs to create, which the reviewed plan does not include\n",
    );
    expect((await requests(emu)).writes).toEqual([]);

    expect((await s.apply()).code).toBe(0);
  });

  it("refuses a plan whose file changed since, before any request", async () => {
    expect((await s.plan({ out: "file.plan" })).code).toBe(0);
    s.write("spot.yaml", s.read("spot.yaml") + "# a comment changes the digest\n");
    await emu.control.resetStats();
    const a = await s.apply({ plan: "file.plan", file: undefined });
    expect(a.code).toBe(3);
    expect(s.cap.err()).toBe(
      "spot-iac: spot.yaml changed since the plan was saved; nothing was applied. Plan again.\n",
    );
    expect((await requests(emu)).total).toBe(0);
  });

  it("refuses a saved plan applied for other organizations than it covers", async () => {
    expect((await s.plan({ out: "data.plan", org: ["data"] })).code).toBe(0);
    await emu.control.resetStats();
    const a = await s.apply({ plan: "data.plan", file: undefined, org: ["platform"] });
    expect(a.code).toBe(3);
    expect(s.cap.err()).toBe("spot-iac: data.plan covers organization data, not platform; nothing was applied\n");
    expect((await requests(emu)).total).toBe(0);
  });

  it("--check says whether a saved plan fits this file and organization, with no token and no request", async () => {
    expect((await s.plan({ out: "check.plan", org: ["data"] })).code).toBe(0);
    const saved = s.read("check.plan");
    await emu.control.resetStats();
    const restore = s.useEnv({ PATH: process.env.PATH });
    try {
      const fits = await s.apply({ plan: "check.plan", org: ["data"], check: true });
      expect([fits.code, s.cap.out(), s.cap.err()]).toEqual([0, "check.plan can be applied to spot.yaml (data)\n", ""]);
      const otherOrg = await s.apply({ plan: "check.plan", org: ["platform"], check: true });
      expect([otherOrg.code, s.cap.out()]).toEqual([3, "check.plan covers organization data, not platform\n"]);
      s.write("old-version.plan", saved.replace(/"version": "[^"]*"/, '"version": "0.0.1"'));
      const old = await s.apply({ plan: "old-version.plan", org: ["data"], check: true });
      expect(old.code).toBe(3);
      expect(s.cap.out()).toMatch(/was made by spot-iac 0\.0\.1, this is .*: plan again with this version\n$/);
      s.write("spot.yaml", s.read("spot.yaml") + "# moved\n");
      const moved = await s.apply({ plan: "check.plan", org: ["data"], check: true });
      expect([moved.code, s.cap.out()]).toEqual([3, "spot.yaml changed since the plan was saved\n"]);
      expect((await s.apply({ check: true })).code).toBe(1);
      expect(s.cap.err()).toContain("--check goes with --plan");
    } finally {
      restore();
      s.write("spot.yaml", s.read("spot.yaml").replace("# moved\n", ""));
    }
    expect((await requests(emu)).total).toBe(0);
  });

  it("a plan made without secrets (a pull-request job) is applied with them, and holds none", async () => {
    s.write(
      "spot.yaml",
      s
        .read("spot.yaml")
        .replace("user: bob@example.com\n        role: viewer", "user: bob@example.com\n        role: editor"),
    );
    const restore = s.useEnv({
      SPOTINST_BASE_URL: emu.url,
      SPOT_TOKEN_PLATFORM: s.platform.token,
      SPOT_TOKEN_DATA: s.data.token,
    });
    try {
      expect((await s.plan({ out: "pr.plan", withoutSecrets: true })).code).toBe(0);
    } finally {
      restore();
    }
    expect(s.cap.err()).toBe("Plan saved to pr.plan: apply exactly it with `spot-iac apply --plan pr.plan`.\n");
    expect(JSON.parse(s.read("pr.plan"))).toMatchObject({ secretsRead: false });
    for (const v of secretValues(s)) expect(s.read("pr.plan")).not.toContain(v);
    const a = await s.apply({ plan: "pr.plan", file: undefined });
    expect(s.cap.err()).toBe("");
    expect(a.code).toBe(0);
    expect(a.result!.outcomes.map((o) => `${o.entry.action} ${o.entry.kind} ${o.entry.name}`)).toEqual([
      "update UserAttachment prod/bob@example.com",
    ]);
  });

  it("applies the replacement a saved plan was made with (--replace)", async () => {
    const token = s.read(".secrets/ci-deployer.token");
    const before = s.journal().find((e) => e.kind === "ProgrammaticUser")!.id;
    expect((await s.plan({ out: "replace.plan", replace: ["ProgrammaticUser/ci-deployer"] })).code).toBe(0);
    expect(s.cap.out()).toContain(
      `-/+ ProgrammaticUser ci-deployer (${before}) will be replaced — replaced on request (--replace)`,
    );
    expect(JSON.parse(s.read("replace.plan")).replace).toEqual(["ProgrammaticUser/ci-deployer"]);
    const a = await s.apply({ plan: "replace.plan", file: undefined });
    expect(s.cap.err()).toBe("");
    expect(a.code).toBe(0);
    const after = a.result!.outcomes.find((o) => o.entry.kind === "ProgrammaticUser")!.id;
    expect(after).toMatch(/^pu-/);
    expect(after).not.toBe(before);
    expect(s.read(".secrets/ci-deployer.token")).not.toBe(token);
  });
});

describe("export", () => {
  it("writes the file of a live organization, and a plan of it (placeholders exported) shows no change", async () => {
    const s = await scenario(emu);
    expect((await s.apply()).code).toBe(0);
    for (const label of ["platform", "data"]) {
      const r = await s.export({ tokenEnv: `SPOT_TOKEN_${label.toUpperCase()}`, label, output: `${label}.yaml` });
      expect(r.code).toBe(0);
      expect(s.cap.out()).toBe("");
      expect(s.cap.err()).toBe(
        `Wrote ${label}.yaml. Set the …Env variables it names, then run spot-iac plan -f ${label}.yaml.\n`,
      );
    }
    const platform = s.read("platform.yaml");
    const data = s.read("data.yaml");
    expect(platform).toContain(`# Exported by \`spot-iac export\` from organization ${s.platform.organizationId}.`);
    expect(platform).toMatch(/^ {2}- name: platform\n {4}tokenEnv: SPOT_TOKEN_PLATFORM\n/m);
    for (const v of secretValues(s)) expect(platform + data).not.toContain(v);
    // The placeholders, and what the pipeline exports in them.
    const placeholders = [...(platform + data).matchAll(/(\w+)Env: (SPOT_SECRET_\w+)/g)].map((m) => [m[1], m[2]]);
    expect(placeholders).toEqual([
      ["clientSecret", "SPOT_SECRET_PLATFORM_AZURECONNECTION_STAGING_CLIENTSECRET"],
      ["serviceAccountKey", "SPOT_SECRET_DATA_GCPCONNECTION_ANALYTICS_SERVICEACCOUNTKEY"],
    ]);
    s.env.SPOT_SECRET_PLATFORM_AZURECONNECTION_STAGING_CLIENTSECRET = s.secrets.SPOT_SECRET_AZURE_CLIENT_SECRET;
    s.env.SPOT_SECRET_DATA_GCPCONNECTION_ANALYTICS_SERVICEACCOUNTKEY = s.secrets.SPOT_SECRET_GCP_SERVICE_ACCOUNT_KEY;
    await emu.control.resetStats();
    for (const f of ["platform.yaml", "data.yaml"]) {
      const p = await s.plan({ file: f });
      expect(s.cap.err()).toBe("");
      expect(s.cap.out()).toMatch(/\nNo changes: live state matches the file\.\n$/);
      expect(p.code).toBe(0);
    }
    // Both exported files together are one file of two organizations, and a drift check of it is clean.
    const both = platform + data.replace(/^[\s\S]*?organizations:\n/, "");
    s.write("both.yaml", both);
    expect((await s.drift({ file: "both.yaml" })).code).toBe(0);
    expect((await requests(emu)).writes).toEqual([]);

    // Placeholders follow the pipeline's own --secret-env-pattern, so a plan under the same pattern takes them.
    const ci = { secretEnvPattern: "ci_*_SECRET" };
    expect((await s.export({ tokenEnv: "SPOT_TOKEN_DATA", label: "data", output: "ci.yaml", ...ci })).code).toBe(0);
    expect(s.read("ci.yaml")).toContain(
      "serviceAccountKeyEnv: ci_DATA_GCPCONNECTION_ANALYTICS_SERVICEACCOUNTKEY_SECRET",
    );
    s.env.ci_DATA_GCPCONNECTION_ANALYTICS_SERVICEACCOUNTKEY_SECRET = s.secrets.SPOT_SECRET_GCP_SERVICE_ACCOUNT_KEY;
    expect((await s.plan({ file: "ci.yaml", ...ci })).code).toBe(0);
    expect(s.cap.out()).toMatch(/\nNo changes: live state matches the file\.\n$/);

    // Without -o the file goes to stdout, and nothing else does.
    const r = await s.export({ tokenEnv: "SPOT_TOKEN_DATA", label: "data" });
    expect(r.code).toBe(0);
    expect(s.cap.out()).toBe(r.text);
    expect(s.cap.out()).toContain("# Exported by `spot-iac export`");
  });

  it("needs the token variable to be set", async () => {
    const s = await scenario(emu);
    const r = await s.export({ tokenEnv: "SPOT_TOKEN_NOWHERE", label: "x" });
    expect(r.code).toBe(1);
    expect(s.cap.err()).toBe(
      "spot-iac: environment variable SPOT_TOKEN_NOWHERE is not set; export the organization's token in it\n",
    );
  });
});

describe("--org", () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await scenario(emu, { spec: TWO_ORGS });
  });

  it("plans, applies and checks drift of one organization; the other needs no token", async () => {
    const restore = s.useEnv({ ...s.env, SPOT_TOKEN_PLATFORM: undefined });
    try {
      const p = await s.plan({ org: ["data"] });
      expect(s.cap.err()).toBe("");
      expect(s.cap.out()).toBe(
        `Organization data (${s.data.organizationId})\n` +
          '  + Account analytics will be created\n      name: "analytics"\n\n' +
          "Plan: 1 to create, 0 to update, 0 to replace, 0 to delete.\n",
      );
      expect(p.code).toBe(0);
      const a = await s.apply({ org: ["data"] });
      expect(a.code).toBe(0);
      expect(a.result!.outcomes.map((o) => `${o.entry.org} ${o.entry.kind} ${o.entry.name}`)).toEqual([
        "data Account analytics",
      ]);
      expect((await s.drift({ org: ["data"] })).code).toBe(0);
      expect((await s.validate({ org: ["data"] })).code).toBe(0);
    } finally {
      restore();
    }
    expect((await accountsNamed(s.platform, "prod")).length).toBe(0);
    expect((await accountsNamed(s.data, "analytics")).length).toBe(1);
    // The whole file: the other organization is still to do.
    expect((await s.drift()).code).toBe(2);
    expect(s.cap.out()).toContain("Drift: 3 to create, 0 to update, 0 to replace, 0 to delete.");
  });

  it("a mistake in another organization does not stop this one's job", async () => {
    s.write("other-bad.yaml", TWO_ORGS.replace("      - name: prod\n", "      - nmae: prod\n"));
    const restore = s.useEnv({ ...s.env, SPOT_TOKEN_PLATFORM: undefined });
    try {
      expect((await s.validate({ file: "other-bad.yaml", org: ["data"] })).code).toBe(0);
      expect(s.cap.out()).toBe("other-bad.yaml: valid (1 organization, 1 object).\n");
      expect((await s.plan({ file: "other-bad.yaml", org: ["data"] })).code).toBe(0);
      expect((await s.validate({ file: "other-bad.yaml" })).code).toBe(1);
      expect(s.rel(s.cap.err())).toMatch(/^other-bad\.yaml:5:9: organizations\[0\]\.accounts\[0\]\.nmae: unknown key/m);
    } finally {
      restore();
    }
  });

  it("an unknown label is an error on every command, before any request", async () => {
    await emu.control.resetStats();
    const message =
      'spot.yaml: --org nope: the file declares no organization named "nope" (declared: platform, data)\n' +
      "1 problem in spot.yaml; nothing was sent to Spot.\n";
    for (const run of [
      () => s.validate({ org: ["nope"] }),
      () => s.plan({ org: ["data", "nope"] }),
      () => s.drift({ org: ["nope"] }),
      () => s.apply({ org: ["nope"] }),
    ]) {
      expect((await run()).code).toBe(1);
      expect(s.rel(s.cap.err())).toBe(message);
      expect(s.cap.out()).toBe("");
    }
    expect((await requests(emu)).total).toBe(0);
  });
});

describe("the apply lock", () => {
  let s: Scenario;
  const lockFile = () => join(s.dir, ".spot-iac/locks/platform.lock");
  const hold = (holder: object) => {
    mkdirSync(join(s.dir, ".spot-iac/locks"), { recursive: true });
    writeFileSync(lockFile(), JSON.stringify(holder));
  };
  beforeAll(async () => {
    s = await scenario(emu, { spec: TWO_ORGS });
  });

  it("a second apply while the lock is held is refused, naming the holder, before any request", async () => {
    const holder = {
      pid: process.pid,
      host: hostname(),
      runId: "r20261202T000000Z-0000beef",
      started: "2026-12-02T00:00:00Z",
    };
    hold(holder);
    await emu.control.resetStats();
    const a = await s.apply();
    expect(a.code).toBe(3);
    expect(s.cap.err()).toBe(
      `spot-iac: organization platform is being applied by another run (run ${holder.runId}, pid ${process.pid} on ${hostname()}, since ${holder.started}); ` +
        `nothing was changed. Wait for it to finish and run apply again (if that run crashed on another machine, remove ${lockFile()})\n`,
    );
    expect((await requests(emu)).total).toBe(0);
    // The holder's lock is left alone, and no lock of this run stays behind.
    expect(JSON.parse(readFileSync(lockFile(), "utf8"))).toEqual(holder);
    expect(readdirSync(join(s.dir, ".spot-iac/locks"))).toEqual(["platform.lock"]);
  });

  it("a lock left by a process that died is taken over; one of another host is not", async () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    hold({ pid: dead, host: "another-runner", runId: "r-elsewhere", started: "2026-12-02T00:00:00Z" });
    expect((await s.apply()).code).toBe(3);
    expect(s.cap.err()).toContain("(run r-elsewhere, pid");

    hold({ pid: dead, host: hostname(), runId: "r-crashed", started: "2026-12-02T00:00:00Z" });
    const a = await s.apply();
    expect(s.cap.err()).toBe("");
    expect(a.code).toBe(0);
    expect(s.cap.out()).toContain("Apply complete: 4 done, 0 failed, 0 not done.");
    // Released when the run ends.
    expect(existsSync(lockFile())).toBe(false);
  });
});

describe("progress in a pipeline", () => {
  it("one line per started and finished change; with --json they go to stderr and stdout stays JSON", async () => {
    const s = await scenario(emu, { spec: TWO_ORGS });
    const a = await s.apply();
    expect(a.code).toBe(0);
    const lines = s.cap.out().split("\n");
    const started = lines.filter((l) => l.startsWith("… "));
    const finished = lines.filter((l) => / done in \d+\.\d s$/.test(l));
    expect(started.sort()).toEqual([
      "… create Account analytics (data)",
      "… create Account prod (platform)",
      "… create User erin@example.com (platform)",
      "… create UserAttachment prod/erin@example.com (platform)",
    ]);
    expect(finished.map((l) => l.replace(/ in \d+\.\d s$/, "")).sort()).toEqual([
      "✓ create Account analytics (data) done",
      "✓ create Account prod (platform) done",
      "✓ create User erin@example.com (platform) done",
      "✓ create UserAttachment prod/erin@example.com (platform) done",
    ]);
    // An attachment starts only after its account and its user finished.
    const at = (l: string) => lines.findIndex((x) => x.startsWith(l));
    expect(at("… create UserAttachment")).toBeGreaterThan(at("✓ create Account prod"));
    expect(at("… create UserAttachment")).toBeGreaterThan(at("✓ create User erin"));

    s.write("spot.yaml", TWO_ORGS.replace("role: editor", "role: viewer"));
    const j = await s.apply({ json: true });
    expect(j.code).toBe(0);
    const out = JSON.parse(s.cap.out());
    expect(out.apply.outcomes).toEqual([
      expect.objectContaining({ action: "update", kind: "UserAttachment", status: "done" }),
    ]);
    expect(s.cap.err()).toMatch(
      /^Applying run r\d{8}T\d{6}Z-[0-9a-f]{8} \(journal .*journal\.jsonl\)\n… update UserAttachment prod\/erin@example\.com \(platform\)\n✓ update UserAttachment prod\/erin@example\.com \(platform\) done in \d+\.\d s\n$/,
    );

    // On a terminal, a spinner instead: no per-change lines.
    s.write("spot.yaml", TWO_ORGS);
    s.deps.io = { ...s.deps.io, progress: true };
    expect((await s.apply()).code).toBe(0);
    expect(s.cap.out() + s.cap.err()).not.toMatch(/^… /m);
    expect(s.cap.out()).toContain("✓ update UserAttachment prod/erin@example.com (platform)");
  });
});

describe("--run-id", () => {
  it("names the run in the journal and in Spot's audit log, so the pipeline's receipt finds it", async () => {
    const s = await scenario(emu, { spec: TWO_ORGS });
    const a = await s.apply({ runId: "gh-1234.7" });
    expect(a.code).toBe(0);
    expect(a.runId).toBe("gh-1234.7");
    expect(s.cap.out()).toContain("Applying run gh-1234.7 (journal ");
    expect(new Set(s.journal().map((l) => l.runId))).toEqual(new Set(["gh-1234.7"]));
    const r = await s.audit("gh-1234.7");
    expect(r.code).toBe(0);
    expect(s.cap.out()).toContain("Receipt: 4 changes journaled, 4 found in Spot's audit log, 0 missing.");
  });
});
