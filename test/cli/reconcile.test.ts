/**
 * plan / apply / drift / prune / audit over fake kinds (an in-memory Spot): the CLI's logic without HTTP.
 * The end-to-end suite (e2e.test.ts) repeats the important paths against the emulator with the real kinds.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { applyCommand, auditCommand, planCommand } from "../../src/cli/gitops/commands";
import type { Deps } from "../../src/cli/gitops/commands";
import { hashOf } from "../support/secrets";
import { fakeConnect, fakeKinds, FakeSpot } from "./fixtures/fake-kinds";
import { capture, tempDir } from "./fixtures/helpers";

const SPEC = `version: 1
organizations:
  - name: platform
    tokenEnv: TOKEN_A
    accounts:
      - name: prod
        slackNotificationChannels: [https://hooks.slack.com/services/T/B/1]
        aws:
          iamRole: arn:aws:iam::123456789012:role/SpotAccess
      - name: dev
        azure:
          tenantId: tenant-1
          clientId: client-1
          clientSecretEnv: AZURE_SECRET
    users:
      - email: alice@example.com
        firstName: Alice
        lastName: Doe
        passwordEnv: ALICE_PASSWORD
      - email: bob@example.com
        firstName: Bob
        lastName: Roe
    accessPolicies:
      - name: deployers
        actions: [ocean:createCluster, ocean:updateCluster]
    userAttachments:
      - account: prod
        user: alice@example.com
        role: editor
      - account: dev
        user: bob@example.com
    programmaticUsers:
      - name: ci
        policies:
          - policy: deployers
            accounts: [prod, dev]
        tokenFile: secrets/ci.token
  - name: data
    tokenEnv: TOKEN_B
    accounts:
      - name: analytics
`;

const SECRETS = { AZURE_SECRET: "azure-client-secret-1", ALICE_PASSWORD: "alice-password-1" };

function setup(spec = SPEC) {
  const tmp = tempDir();
  const spot = new FakeSpot();
  const env: NodeJS.ProcessEnv = { TOKEN_A: "token-a-value", TOKEN_B: "token-b-value", ...SECRETS };
  const cap = capture(env, tmp.dir);
  const file = tmp.write("spot.yaml", spec);
  const deps: Deps = { kinds: fakeKinds(), connect: fakeConnect(spot), io: cap.io };
  const journalPath = join(tmp.dir, ".spot-iac/journal.jsonl");
  return { tmp, spot, env, cap, file, deps, journalPath, journal: () => readFileSync(journalPath, "utf8") };
}

type Env = ReturnType<typeof setup>;

async function apply(s: Env, extra: Partial<Parameters<typeof applyCommand>[0]> = {}) {
  s.cap.clear();
  return applyCommand({ file: s.file, autoApprove: true, ...extra }, s.deps);
}
async function plan(s: Env, extra: Partial<Parameters<typeof planCommand>[0]> = {}) {
  s.cap.clear();
  return planCommand({ file: s.file, ...extra }, s.deps);
}

function row(s: Env, org: string, kind: string, match: (r: any) => boolean): any {
  return [...s.spot.table(org, kind).values()].find(match);
}

describe("first apply, then no changes", () => {
  const s = setup();
  afterAll(() => s.tmp.cleanup());
  let runId = "";

  it("plans every object as a create, with references by name", async () => {
    const r = await plan(s);
    expect(r.code).toBe(0);
    const out = s.cap.out();
    expect(out).toContain("Plan: 11 to create, 0 to update, 0 to replace, 0 to delete.");
    expect(out).toContain('account: "prod" (known after apply)');
    expect(out).toContain("clientSecret: (secret)");
    expect(out).not.toContain(SECRETS.AZURE_SECRET);
    // Planning looks but never touches.
    expect(s.spot.calls.filter((c) => /^(create|update|delete)/.test(c))).toEqual([]);
  });

  it("applies in dependency order and writes the token file 0600", async () => {
    const r = await apply(s);
    runId = r.runId;
    expect(r.code).toBe(0);
    expect(s.cap.out()).toContain("Apply complete: 11 done, 0 failed, 0 not done.");
    const creates = s.spot.calls.filter((c) => c.startsWith("create"));
    expect(creates.indexOf("create UserAttachment")).toBeGreaterThan(creates.indexOf("create User"));
    expect(creates.indexOf("create UserAttachment")).toBeGreaterThan(creates.indexOf("create Account"));
    expect(creates.indexOf("create ProgrammaticUser")).toBeGreaterThan(creates.indexOf("create AccessPolicy"));
    const prod = row(s, "platform", "Account", (x) => x.name === "prod");
    const alice = row(s, "platform", "User", (x) => x.email === "alice@example.com");
    expect(row(s, "platform", "UserAttachment", (x) => x.accountId === prod.id && x.userId === alice.id).role).toBe(
      "editor",
    );
    const ci = row(s, "platform", "ProgrammaticUser", (x) => x.name === "ci");
    expect(ci.policies[0].accountIds).toHaveLength(2);
    const tokenPath = join(s.tmp.dir, "secrets/ci.token");
    expect(statSync(tokenPath).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenPath, "utf8").trim();
    expect(token).toMatch(/^tok-/);
    expect(s.cap.out()).not.toContain(token);
    expect(s.journal()).not.toContain(token);
  });

  it("journals one line per change with the run id and no secret", () => {
    const lines = s
      .journal()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(11);
    expect(new Set(lines.map((l) => l.runId))).toEqual(new Set([runId]));
    const user = lines.find((l) => l.kind === "User" && l.name === "alice@example.com");
    expect(user).toMatchObject({
      action: "create",
      status: "done",
      tokenEnv: "TOKEN_A",
      secretHashes: { password: hashOf(SECRETS.ALICE_PASSWORD) },
    });
    const text = s.journal();
    for (const v of [...Object.values(SECRETS), "token-a-value", "token-b-value"]) expect(text).not.toContain(v);
  });

  it("then drift finds nothing and a second apply changes nothing", async () => {
    const d = await plan(s, { mode: "drift" });
    expect(d.code).toBe(0);
    expect(s.cap.out()).toContain("No drift: live state matches the file.");
    const before = s.spot.calls.length;
    const a = await apply(s);
    expect(a.code).toBe(0);
    expect(s.spot.calls.slice(before).filter((c) => /^(create|update|delete)/.test(c))).toEqual([]);
  });

  it("the audit receipt finds every change of the run", async () => {
    s.cap.clear();
    const r = await auditCommand({ run: runId }, s.deps);
    expect(r.code).toBe(0);
    expect(s.cap.out()).toContain("Receipt: 11 changes journaled, 11 found in Spot's audit log, 0 missing.");
  });

  it("the receipt fails when an event is missing, or the run is unknown", async () => {
    const prod = row(s, "data", "Account", (x) => x.name === "analytics");
    const saved = s.spot.events;
    s.spot.events = saved.filter((e) => e.resourceId !== prod.id);
    s.cap.clear();
    const r = await auditCommand({ run: runId, json: true }, s.deps);
    s.spot.events = saved;
    expect(r.code).toBe(1);
    const json = JSON.parse(s.cap.out());
    expect(json.ok).toBe(false);
    expect(json.organizations.find((o: any) => o.name === "data").missing).toEqual([
      { kind: "Account", name: "analytics", id: prod.id, action: "create" },
    ]);
    s.cap.clear();
    expect((await auditCommand({ run: "r-nope" }, s.deps)).code).toBe(1);
    expect(s.cap.out()).toContain("No journal line has run id r-nope");
  });
});

describe("drift and repair", () => {
  const s = setup();
  afterAll(() => s.tmp.cleanup());
  beforeAll(async () => {
    expect((await apply(s)).code).toBe(0);
  });

  it("shows an out-of-band change field by field and exits 2", async () => {
    const att = row(s, "platform", "UserAttachment", (x) => x.role === "editor");
    att.role = "viewer";
    row(s, "platform", "Account", (x) => x.name === "prod").slackNotificationChannels = [];
    const d = await plan(s, { mode: "drift" });
    expect(d.code).toBe(2);
    const out = s.cap.out();
    expect(out).toMatch(
      /~ Account prod \(act-\w+\) will be updated in place\n\s+slackNotificationChannels: \(none\) → \["https:\/\/hooks.slack.com\/services\/T\/B\/1"\]/,
    );
    expect(out).toMatch(
      /~ UserAttachment prod\/alice@example.com \(att-\w+\) will be updated in place\n\s+role: "viewer" → "editor"/,
    );
    expect(out).toContain("Drift: 0 to create, 2 to update, 0 to replace, 0 to delete.");
  });

  it("apply repairs it and drift is clean again", async () => {
    const a = await apply(s);
    expect(a.code).toBe(0);
    expect(a.result!.outcomes.map((o) => [o.entry.kind, o.entry.action, o.status])).toEqual([
      ["Account", "update", "done"],
      ["UserAttachment", "update", "done"],
    ]);
    const lines = s
      .journal()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((l) => l.runId === a.runId);
    expect(lines.map((l) => [l.kind, l.action, l.fields])).toEqual(
      expect.arrayContaining([
        ["Account", "update", ["slackNotificationChannels"]],
        ["UserAttachment", "update", ["role"]],
      ]),
    );
    expect((await plan(s, { mode: "drift" })).code).toBe(0);
  });

  it("a changed secret is seen through the journal's hash, and shown only as (secret)", async () => {
    s.env.ALICE_PASSWORD = "alice-password-2";
    const d = await plan(s, { mode: "drift", json: true });
    expect(d.code).toBe(2);
    const json = JSON.parse(s.cap.out());
    expect(json.organizations[0].changes).toEqual([
      {
        action: "replace",
        kind: "User",
        name: "alice@example.com",
        id: expect.stringMatching(/^u-/),
        fields: [{ field: "password", before: "(secret)", after: "(secret)", secret: true, forcesReplace: true }],
      },
      // The attachment refers to the user being replaced: its user id is known only after the apply.
      expect.objectContaining({ action: "create", kind: "UserAttachment", name: "prod/alice@example.com" }),
    ]);
    expect(s.cap.out()).not.toContain("alice-password");
    const a = await apply(s);
    expect(a.code).toBe(0);
    expect((await plan(s, { mode: "drift" })).code).toBe(0);
    expect(s.journal()).not.toContain("alice-password");
    s.env.ALICE_PASSWORD = SECRETS.ALICE_PASSWORD;
  });

  it("an object deleted out of band is planned as a create", async () => {
    const bob = row(s, "platform", "User", (x) => x.email === "bob@example.com");
    s.spot.table("platform", "User").delete(bob.id);
    await plan(s);
    expect(s.cap.out()).toContain("+ User bob@example.com will be created");
    expect(s.cap.out()).toContain("+ UserAttachment dev/bob@example.com will be created");
  });
});

describe("prune", () => {
  const s = setup();
  afterAll(() => s.tmp.cleanup());
  beforeAll(async () => {
    expect((await apply(s)).code).toBe(0);
    // Objects made outside the file.
    s.spot
      .table("platform", "User")
      .set("u-stray", { id: "u-stray", email: "stray@example.com", firstName: "S", lastName: "T" });
    s.spot.table("platform", "Account").set("act-stray", { id: "act-stray", name: "legacy" });
    s.spot
      .table("platform", "UserAttachment")
      .set("att-stray", { id: "att-stray", accountId: "act-stray", userId: "u-stray", role: "viewer" });
  });

  it("leaves undeclared objects alone without prune", async () => {
    await plan(s);
    expect(s.cap.out()).toContain("No changes: live state matches the file.");
  });

  it("prune: true deletes undeclared objects except accounts, shown first and loudly", async () => {
    s.tmp.write("spot.yaml", SPEC.replace("    tokenEnv: TOKEN_A\n", "    tokenEnv: TOKEN_A\n    prune: true\n"));
    await plan(s);
    const out = s.cap.out();
    expect(out).toContain("!! 2 objects will be DELETED");
    expect(out.indexOf("- User stray@example.com (u-stray) will be DELETED")).toBeLessThan(out.indexOf("unchanged"));
    expect(out).toContain(
      "- UserAttachment legacy/stray@example.com (att-stray) will be DELETED — not declared; prune: userAttachments",
    );
    expect(out).not.toContain("Account legacy");
    expect(out).toContain("Plan: 0 to create, 0 to update, 0 to replace, 2 to delete.");
    await plan(s, { markdown: true });
    expect(s.cap.out()).toContain("> **2 objects will be deleted** (prune).");
  });

  it("accounts are pruned only when listed, after what refers to them", async () => {
    s.tmp.write(
      "spot.yaml",
      SPEC.replace("    tokenEnv: TOKEN_A\n", "    tokenEnv: TOKEN_A\n    prune: [accounts, users, userAttachments]\n"),
    );
    const a = await apply(s);
    expect(a.code).toBe(0);
    const deletes = s.spot.calls.filter((c) => c.startsWith("delete"));
    // The attachment goes first: it refers to both the user and the account.
    expect(deletes[0]).toBe("delete UserAttachment");
    expect(deletes.slice(1).sort()).toEqual(["delete Account", "delete User"]);
    expect(s.spot.table("platform", "Account").has("act-stray")).toBe(false);
    expect((await plan(s, { mode: "drift" })).code).toBe(0);
  });
});

describe("failures", () => {
  it("a failure stops its dependants, skips deletions, and a re-run converges", async () => {
    const s = setup(SPEC.replace("    tokenEnv: TOKEN_A\n", "    tokenEnv: TOKEN_A\n    prune: [users]\n"));
    s.spot
      .table("platform", "User")
      .set("u-stray", { id: "u-stray", email: "stray@example.com", firstName: "S", lastName: "T" });
    s.spot.failNext("create", "AccessPolicy");
    const a = await apply(s);
    expect(a.code).toBe(1);
    const st = Object.fromEntries(a.result!.outcomes.map((o) => [`${o.entry.kind} ${o.entry.name}`, o.status]));
    expect(st["AccessPolicy deployers"]).toBe("failed");
    expect(st["ProgrammaticUser ci"]).toBe("not done");
    expect(st["User stray@example.com"]).toBe("not done");
    expect(st["UserAttachment prod/alice@example.com"]).toBe("done");
    const out = s.cap.out();
    expect(out).toContain(
      "✗ create AccessPolicy deployers (platform): Spot answered 503 for create AccessPolicy (injected)",
    );
    expect(out).toContain(
      '· create ProgrammaticUser ci (platform) not done — blocked: AccessPolicy "deployers" failed',
    );
    expect(out).toContain("Apply incomplete: 9 done, 1 failed, 2 not done.");
    const failed = s
      .journal()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .find((l) => l.status === "failed");
    expect(failed).toMatchObject({ kind: "AccessPolicy", action: "create", error: expect.stringContaining("503") });

    const again = await apply(s);
    expect(again.code).toBe(0);
    expect(again.result!.outcomes.map((o) => `${o.entry.action} ${o.entry.kind}`).sort()).toEqual([
      "create AccessPolicy",
      "create ProgrammaticUser",
      "delete User",
    ]);
    expect((await plan(s, { mode: "drift" })).code).toBe(0);
    s.tmp.cleanup();
  });

  it("a change committed before the failure is found, not duplicated, on the re-run", async () => {
    const s = setup();
    s.spot.failNext("create", "User", { commit: true, match: (p) => p.email === "bob@example.com" });
    expect((await apply(s)).code).toBe(1);
    expect((await apply(s)).code).toBe(0);
    expect([...s.spot.table("platform", "User").values()].filter((u) => u.email === "bob@example.com")).toHaveLength(1);
    expect((await plan(s, { mode: "drift" })).code).toBe(0);
    s.tmp.cleanup();
  });

  it("secrets never reach error messages or the journal", async () => {
    const s = setup();
    const kinds = s.deps.kinds!;
    const az = kinds.find((k) => k.name === "AzureConnection")!;
    const original = az.create;
    (az as any).create = async (_ctx: unknown, inputs: any) => {
      throw new Error(`rejected clientSecret ${inputs.clientSecret}`);
    };
    const a = await apply(s);
    (az as any).create = original;
    expect(a.code).toBe(1);
    expect(s.cap.out()).toContain("rejected clientSecret (secret)");
    expect(s.cap.out() + s.journal()).not.toContain(SECRETS.AZURE_SECRET);
    s.tmp.cleanup();
  });

  it("a plan error stops apply before any change", async () => {
    const s = setup();
    const user = s.deps.kinds!.find((k) => k.name === "User")!;
    const original = user.find;
    (user as any).find = async () => {
      throw new Error("Spot answered 401: check the token in TOKEN_A");
    };
    const a = await apply(s);
    (user as any).find = original;
    expect(a.code).toBe(1);
    expect(s.cap.out()).toContain('error: User "alice@example.com": Spot answered 401: check the token in TOKEN_A');
    expect(s.cap.err()).toContain("The plan has errors; nothing was applied.");
    expect(s.spot.calls.filter((c) => /^(create|update|delete)/.test(c))).toEqual([]);
    s.tmp.cleanup();
  });

  it("a change Spot cannot make fails the plan with the kind's hint", async () => {
    const s = setup();
    const kinds = fakeKinds();
    const acct = kinds.find((k) => k.name === "Account")!;
    (acct.fields as any).region = {
      type: "string",
      optional: true,
      onChange: "reject",
      rejectHint: "Create a new account instead.",
      description: "Region.",
    };
    s.deps.kinds = kinds;
    await apply(s);
    row(s, "platform", "Account", (x) => x.name === "prod").region = "eu";
    s.tmp.write("spot.yaml", SPEC.replace("      - name: prod\n", "      - name: prod\n        region: us\n"));
    const r = await plan(s);
    expect(r.code).toBe(1);
    expect(s.cap.out()).toContain(
      'error: Account "prod": region cannot be changed in Spot ("eu" → "us"). Create a new account instead.',
    );
    s.tmp.cleanup();
  });
});

describe("confirmation", () => {
  it("refuses without a terminal, asks on one", async () => {
    const s = setup();
    const r = await applyCommand({ file: s.file }, s.deps);
    expect(r.code).toBe(1);
    expect(s.cap.err()).toContain(
      "Refusing to apply without confirmation: stdin is not a terminal. Review the plan and pass --auto-approve.",
    );
    const questions: string[] = [];
    s.deps.io = { ...s.deps.io, confirm: async (q) => (questions.push(q), false) };
    expect((await applyCommand({ file: s.file }, s.deps)).code).toBe(1);
    expect(s.spot.calls.filter((c) => c.startsWith("create"))).toEqual([]);
    s.deps.io = { ...s.deps.io, confirm: async () => true };
    expect((await applyCommand({ file: s.file }, s.deps)).code).toBe(0);
    expect(questions).toEqual(["Apply these changes? Only 'yes' is accepted: "]);
    s.tmp.cleanup();
  });

  it("reports bad files before connecting", async () => {
    const s = setup(SPEC.replace("name: prod", "nam: prod"));
    let connected = false;
    s.deps.connect = async () => {
      connected = true;
      throw new Error("no");
    };
    const r = await planCommand({ file: s.file }, s.deps);
    expect(r.code).toBe(1);
    expect(s.cap.err()).toMatch(/spot\.yaml:6:9: organizations\[0\]\.accounts\[0\]\.nam: unknown key "nam"/);
    expect(s.cap.err()).toContain("nothing was sent to Spot");
    expect(connected).toBe(false);
    s.tmp.cleanup();
  });
});

describe("stable output", () => {
  /** A plan with every action: create, update, replace (secret), delete. */
  async function mixed() {
    const s = setup(SPEC.replace("    tokenEnv: TOKEN_A\n", "    tokenEnv: TOKEN_A\n    prune: [users]\n"));
    await apply(s);
    s.spot
      .table("platform", "User")
      .set("u-stray", { id: "u-stray", email: "stray@example.com", firstName: "S", lastName: "T" });
    row(s, "platform", "UserAttachment", (x) => x.role === "viewer").role = "editor";
    row(s, "platform", "Account", (x) => x.name === "prod").slackNotificationChannels = [
      "https://hooks.slack.com/services/T/B/2",
    ];
    s.env.ALICE_PASSWORD = "changed-password";
    s.tmp.write(
      "spot.yaml",
      readFileSync(s.file, "utf8").replace(
        "      - name: analytics\n",
        "      - name: analytics\n      - name: warehouse\n",
      ),
    );
    return s;
  }

  it("JSON", async () => {
    const s = await mixed();
    await plan(s, { json: true });
    expect(JSON.parse(s.cap.out())).toMatchSnapshot();
    s.tmp.cleanup();
  });

  it("Markdown", async () => {
    const s = await mixed();
    await plan(s, { markdown: true });
    expect(s.cap.out()).toMatchSnapshot();
    s.tmp.cleanup();
  });

  it("text, coloured only when asked", async () => {
    const s = await mixed();
    await plan(s);
    expect(s.cap.out()).not.toContain("\u001b[");
    expect(s.cap.out()).toMatchSnapshot();
    s.deps.io = { ...s.deps.io, color: true };
    await plan(s);
    expect(s.cap.out()).toContain("\u001b[");
    s.tmp.cleanup();
  });
});
