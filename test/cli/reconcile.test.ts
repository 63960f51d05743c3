/**
 * plan / apply / drift / prune / audit with the real kinds against the emulator (two organizations): dependency
 * order, the journal, drift and repair, prune scopes, failures and their re-runs, confirmation, and stable output.
 * e2e.test.ts runs the example file through the same loop; this file covers the rules one at a time.
 */
import { appendFileSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ResourceKind } from "../../src/core";
import { registry, secretMatches } from "../../src/core";
import { applyCommand, planCommand } from "../../src/cli/gitops/commands";
import { withEmulator } from "../support/emulator";
import { accountsNamed, requests, scenario } from "./fixtures/scenario";
import type { Scenario } from "./fixtures/scenario";

const emu = withEmulator();
afterEach(() => emu.control.clearFaults());

const SPEC = `version: 1
organizations:
  - name: platform
    PRUNE
    accounts:
      - name: prod
        slackNotificationChannels: [https://hooks.slack.com/services/T/B/1]
        aws:
          iamRole: arn:aws:iam::123456789012:role/SpotAccess
      - name: dev
        azure:
          tenantId: 8d2a4c0e-1b3f-4a5d-9e7c-6f8a1b2c3d4e
          clientId: 3f6b9e2a-7c1d-4e8f-a0b5-c2d4e6f8a1b3
          subscriptionId: 5c7e9a1b-3d5f-4b7a-8c9e-0a2b4c6d8e0f
          clientSecretEnv: SPOT_SECRET_AZURE_CLIENT_SECRET
          expirationDate: 2027-12-31T23:59:00Z
    users:
      - email: alice@example.com
        firstName: Alice
        lastName: Doe
        passwordEnv: SPOT_SECRET_ALICE_PASSWORD
      - email: bob@example.com
        firstName: Bob
        lastName: Roe
    accessPolicies:
      - name: deployers
        statements:
          - effect: ALLOW
            actions: [ocean:createCluster, ocean:updateCluster]
            resources: ["*"]
    userAttachments:
      - account: prod
        user: alice@example.com
        role: editor
      - account: dev
        user: bob@example.com
        role: viewer
    programmaticUsers:
      - name: ci
        description: Deploys
        policies:
          - policy: deployers
            accounts: [prod, dev]
        tokenFile: secrets/ci.token
  - name: data
    accounts:
      - name: analytics
`;
const spec = (prune = "prune: false") => SPEC.replace("PRUNE", prune);

async function userId(org: Scenario["platform"], email: string): Promise<string> {
  return (await org.client.users.listOrganization()).find((u) => u.email === email)!.userId;
}

describe("first apply, then no changes", () => {
  let s: Scenario;
  let runId = "";
  beforeAll(async () => {
    s = await scenario(emu, { spec: spec() });
  });

  it("plans every object as a create, with references by name, and writes nothing", async () => {
    await emu.control.resetStats();
    const r = await s.plan();
    expect(r.code).toBe(0);
    const out = s.cap.out();
    expect(out).toContain("Plan: 11 to create, 0 to update, 0 to replace, 0 to delete.");
    expect(out).toContain('account: "prod" (known after apply)');
    expect(out).toContain("clientSecret: (secret)");
    expect(out).toContain(
      'policies: [{"policy":"deployers (known after apply)","accounts":["prod (known after apply)","dev (known after apply)"]}]',
    );
    for (const v of Object.values(s.secrets)) expect(out).not.toContain(v);
    expect((await requests(emu)).writes).toEqual([]);
  });

  it("applies in dependency order and writes the token file 0600", async () => {
    const r = await s.apply();
    runId = r.runId;
    expect(r.code).toBe(0);
    const out = s.cap.out();
    expect(out).toContain("Apply complete: 11 done, 0 failed, 0 not done.");
    const lines = out.split("\n");
    const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
    expect(at("… create UserAttachment prod/alice")).toBeGreaterThan(at("✓ create User alice@example.com"));
    expect(at("… create UserAttachment prod/alice")).toBeGreaterThan(at("✓ create Account prod"));
    expect(at("… create ProgrammaticUser ci")).toBeGreaterThan(at("✓ create AccessPolicy deployers"));
    expect(at("… create ProgrammaticUser ci")).toBeGreaterThan(at("✓ create Account dev"));
    expect(at("… create AzureConnection dev")).toBeGreaterThan(at("✓ create Account dev"));

    const [prod] = await accountsNamed(s.platform, "prod");
    const mapping = await s.platform.client.users.accountMappings("alice@example.com");
    expect(mapping.find((m) => m.accountId === prod.accountId)?.role).toBe("editor");
    const ci = r.result!.outcomes.find((o) => o.entry.kind === "ProgrammaticUser")!.id!;
    const live = await s.platform.client.users.get(ci);
    expect(live.policies?.map((p: any) => p.accountIds.length)).toEqual([2]);
    const tokenPath = join(s.dir, "secrets/ci.token");
    expect(statSync(tokenPath).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenPath, "utf8").trim();
    expect(token.length).toBeGreaterThan(20);
    expect(out).not.toContain(token);
    expect(readFileSync(s.journalPath, "utf8")).not.toContain(token);
  });

  it("journals one line per change with the run id and no secret", () => {
    const lines = s.journal();
    expect(lines).toHaveLength(11);
    expect(new Set(lines.map((l) => l.runId))).toEqual(new Set([runId]));
    const user = lines.find((l) => l.kind === "User" && l.name === "alice@example.com")!;
    expect(user).toMatchObject({ action: "create", status: "done", tokenEnv: "SPOT_TOKEN_PLATFORM", id: /^u-/ });
    expect(secretMatches(s.secrets.SPOT_SECRET_ALICE_PASSWORD, user.secretHashes!.password)).toBe(true);
    const azure = lines.find((l) => l.kind === "AzureConnection")!;
    expect(secretMatches(s.secrets.SPOT_SECRET_AZURE_CLIENT_SECRET, azure.secretHashes!.clientSecret)).toBe(true);
    expect(new Set(lines.map((l) => `${l.organization} ${l.organizationId}`))).toEqual(
      new Set([`platform ${s.platform.organizationId}`, `data ${s.data.organizationId}`]),
    );
    const text = readFileSync(s.journalPath, "utf8");
    for (const v of [...Object.values(s.secrets), s.platform.token, s.data.token]) expect(text).not.toContain(v);
  });

  it("then drift finds nothing and a second apply writes nothing", async () => {
    const d = await s.drift();
    expect(d.code).toBe(0);
    expect(s.cap.out()).toContain("No drift: live state matches the file.");
    await emu.control.resetStats();
    const a = await s.apply();
    expect(a.code).toBe(0);
    expect((await requests(emu)).writes).toEqual([]);
  });

  it("the audit receipt finds every change of the run", async () => {
    const r = await s.audit(runId);
    expect(r.code).toBe(0);
    expect(s.cap.out()).toContain("Receipt: 11 changes journaled, 11 found in Spot's audit log, 0 missing.");
  });

  it("the receipt fails when a change is missing from Spot's log, or the run is unknown", async () => {
    const first = s.journal().find((l) => l.organization === "data")!;
    appendFileSync(
      s.journalPath,
      JSON.stringify({ ...first, name: "ghost", id: "act-0badf00d", action: "update", fields: ["name"] }) + "\n",
    );
    const r = await s.audit(runId, { json: true });
    expect(r.code).toBe(1);
    const json = JSON.parse(s.cap.out());
    expect(json.ok).toBe(false);
    expect(json.organizations.find((o: any) => o.name === "data").missing).toEqual([
      { kind: "Account", name: "ghost", id: "act-0badf00d", action: "update" },
    ]);
    expect(json.organizations.find((o: any) => o.name === "platform").missing).toEqual([]);
    expect((await s.audit("r-nope")).code).toBe(1);
    expect(s.cap.out()).toContain("No journal line has run id r-nope");
  });
});

describe("drift and repair", () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await scenario(emu, { spec: spec() });
    expect((await s.apply()).code).toBe(0);
  });

  it("shows out-of-band changes field by field and exits 2", async () => {
    const [prod] = await accountsNamed(s.platform, "prod");
    await s.platform.client.accounts.updateUser(prod.accountId, {
      userId: await userId(s.platform, "alice@example.com"),
      role: "viewer",
    });
    await s.platform.client.accounts.update(prod.accountId, { name: "prod", slackNotificationChannels: [] });
    const d = await s.drift();
    expect(d.code).toBe(2);
    const out = s.cap.out();
    expect(out).toContain(
      `~ Account prod (${prod.accountId}) will be updated in place\n      slackNotificationChannels: (none) → ["https://hooks.slack.com/services/T/B/1"]\n`,
    );
    expect(out).toMatch(
      /~ UserAttachment prod\/alice@example\.com \(act-\w+\/u-\w+\) will be updated in place\n\s+role: "viewer" → "editor"\n/,
    );
    expect(out).toContain("Drift: 0 to create, 2 to update, 0 to replace, 0 to delete.");
  });

  it("apply repairs it, journals what changed, and drift is clean again", async () => {
    const a = await s.apply();
    expect(a.code).toBe(0);
    expect(a.result!.outcomes.map((o) => [o.entry.kind, o.entry.action, o.status])).toEqual([
      ["Account", "update", "done"],
      ["UserAttachment", "update", "done"],
    ]);
    const lines = s.journal().filter((l) => l.runId === a.runId);
    expect(lines.map((l) => [l.kind, l.action, l.fields]).sort()).toEqual([
      ["Account", "update", ["slackNotificationChannels"]],
      ["UserAttachment", "update", ["role"]],
    ]);
    expect((await s.drift()).code).toBe(0);
  });

  it("a changed password is seen through the journal's hash, and refused with the kind's hint", async () => {
    s.env.SPOT_SECRET_ALICE_PASSWORD = "Alice-changed-Passw0rd!";
    try {
      const d = await s.drift();
      expect(d.code).toBe(1);
      expect(s.cap.out()).toMatch(
        /error: User "alice@example\.com": password cannot be changed in Spot\. Spot has no API to change .*the user changes it in the Spot console/,
      );
      expect(s.cap.out()).not.toContain("Alice-changed-Passw0rd!");
    } finally {
      s.env.SPOT_SECRET_ALICE_PASSWORD = s.secrets.SPOT_SECRET_ALICE_PASSWORD;
    }
  });

  it("a change Spot cannot make fails the plan with the kind's hint, before any write", async () => {
    s.write("spot.yaml", spec().replace("firstName: Alice", "firstName: Alicia"));
    await emu.control.resetStats();
    const a = await s.apply();
    expect(a.code).toBe(1);
    expect(s.cap.out()).toMatch(
      /error: User "alice@example\.com": firstName cannot be changed in Spot \("Alice" → "Alicia"\)\. .*change the name in the Spot console/,
    );
    expect(s.cap.err()).toBe("The plan has errors; nothing was applied.\n");
    expect((await requests(emu)).writes).toEqual([]);
    s.write("spot.yaml", spec());
  });

  it("an object deleted out of band is planned as a create, with what refers to it", async () => {
    await s.platform.client.users.delete(await userId(s.platform, "bob@example.com"));
    await s.plan();
    expect(s.cap.out()).toContain("+ User bob@example.com will be created");
    expect(s.cap.out()).toContain("+ UserAttachment dev/bob@example.com will be created");
    expect((await s.apply()).code).toBe(0);
    expect((await s.drift()).code).toBe(0);
  });
});

describe("prune", () => {
  let s: Scenario;
  let legacy = "";
  let stray = "";
  beforeAll(async () => {
    s = await scenario(emu, { spec: spec() });
    expect((await s.apply()).code).toBe(0);
    // Objects made outside the file: a user attached to an account nobody declared.
    stray = (await s.platform.client.users.create({ email: "stray@example.com", firstName: "S", lastName: "T" }))
      .userId;
    legacy = (await s.platform.client.accounts.create({ name: "legacy" })).accountId;
    await s.platform.client.accounts.attachUser(legacy, { userEmail: "stray@example.com", role: "viewer" });
  });

  it("leaves undeclared objects alone without prune", async () => {
    await s.plan();
    expect(s.cap.out()).toContain("No changes: live state matches the file.");
  });

  it("prune deletes what the file managed and no longer declares; what it never managed only when the pipeline says", async () => {
    s.write("spot.yaml", spec("prune: [users, userAttachments]").replace(/ {6}- account: dev\n.*\n.*\n/, ""));
    expect((await s.plan()).code).toBe(0);
    const out = s.cap.out();
    expect(out.split("\n").filter((l) => l.startsWith("  - "))).toEqual([
      expect.stringMatching(
        /^ {2}- UserAttachment dev\/bob@example\.com \(act-\w+\/u-\w+\) will be DELETED — not declared; prune: userAttachments$/,
      ),
    ]);
    expect(out).toContain(
      // The stray user and the admin.
      "warning: prune: 2 undeclared User objects are kept: this file never managed them (no inventory in its journal); the pipeline can pass --prune-unmanaged to delete them too",
    );
    expect(out).toContain(
      "warning: prune: 4 undeclared UserAttachment objects are kept: this file never managed them (no inventory in its journal); the pipeline can pass --prune-unmanaged to delete them too",
    );
  });

  it("another file's objects are never pruned, even with --prune-unmanaged", async () => {
    s.write(
      "other.yaml",
      "version: 1\norganizations:\n  - name: platform\n    users:\n      - email: stray@example.com\n        firstName: S\n        lastName: T\n",
    );
    expect((await s.apply({ file: "other.yaml" })).code).toBe(0);
    s.write("spot.yaml", spec("prune: [users]"));
    expect((await s.plan({ pruneUnmanaged: true })).code).toBe(0);
    expect(s.cap.out()).toContain(`warning: prune: User stray@example.com (${stray}) is kept: other.yaml manages it\n`);
    expect(s.cap.out()).toContain("No changes: live state matches the file.");
    // other.yaml stops declaring it: its next apply records that, and the user is nobody's.
    s.write("other.yaml", "version: 1\norganizations:\n  - name: platform\n");
    expect((await s.apply({ file: "other.yaml" })).code).toBe(0);
    expect(s.inventories().at(-1)).toMatchObject({ file: "other.yaml", organization: "platform", ids: {} });
  });

  it("prune: true (with --prune-unmanaged) deletes undeclared objects except accounts, shown first and loudly", async () => {
    s.write("spot.yaml", spec("prune: true"));
    await s.plan({ pruneUnmanaged: true });
    const out = s.cap.out();
    const def = s.platform.accountId;
    const deleted = out.split("\n").filter((l) => l.startsWith("  - "));
    expect(deleted).toEqual([
      `  - User stray@example.com (${stray}) will be DELETED — not declared; prune: users`,
      expect.stringMatching(
        /^ {2}- UserAttachment Default Account\/alice@example\.com \(act-\w+\/u-\w+\) will be DELETED/,
      ),
      expect.stringMatching(/^ {2}- UserAttachment Default Account\/bob@example\.com /),
      `  - UserAttachment Default Account/stray@example.com (${def}/${stray}) will be DELETED — not declared; prune: userAttachments`,
      `  - UserAttachment legacy/stray@example.com (${legacy}/${stray}) will be DELETED — not declared; prune: userAttachments`,
    ]);
    expect(out).toContain("!! 5 objects will be DELETED");
    expect(out.indexOf("will be DELETED")).toBeLessThan(out.indexOf("unchanged"));
    expect(out).not.toContain("Account legacy");
    expect(out).toMatch(
      /warning: prune: User admin@example\.com \(u-\w+\) is kept: organization admins are never pruned/,
    );
    expect(out).toContain("Plan: 0 to create, 0 to update, 0 to replace, 5 to delete.");
    await s.plan({ markdown: true, pruneUnmanaged: true });
    expect(s.cap.out()).toContain("> **5 objects will be deleted** (prune).");
  });

  it("accounts are pruned only when listed, after what refers to them", async () => {
    // The default account is declared: Spot never deletes it.
    s.write(
      "spot.yaml",
      spec("prune: [accounts, users, userAttachments]").replace(
        "    accounts:\n      - name: prod\n",
        "    accounts:\n      - name: Default Account\n      - name: prod\n",
      ),
    );
    const a = await s.apply({ deleteLimits: { allowed: true }, pruneUnmanaged: true });
    expect(a.code).toBe(0);
    const deletes = s.journal().filter((l) => l.runId === a.runId);
    expect(deletes.map((l) => `${l.action} ${l.kind}`).sort()).toEqual([
      "delete Account",
      "delete User",
      ...Array(4).fill("delete UserAttachment"),
    ]);
    expect(
      deletes
        .filter((l) => l.kind !== "UserAttachment")
        .map((l) => l.name)
        .sort(),
    ).toEqual(["legacy", "stray@example.com"]);
    const kinds = deletes.map((l) => l.kind);
    expect(kinds.lastIndexOf("UserAttachment")).toBeLessThan(kinds.indexOf("Account"));
    expect(kinds.lastIndexOf("UserAttachment")).toBeLessThan(kinds.indexOf("User"));
    expect(await accountsNamed(s.platform, "legacy")).toEqual([]);
    expect((await s.drift()).code).toBe(0);
  });
});

describe("failures", () => {
  it("a failure stops its dependants, skips deletions, and a re-run converges", async () => {
    // The stray user was declared once, then removed from the file: prune deletes it.
    const s = await scenario(emu, {
      spec: "version: 1\norganizations:\n  - name: platform\n    users:\n      - email: stray@example.com\n        firstName: S\n        lastName: T\n",
    });
    expect((await s.apply()).code).toBe(0);
    s.write("spot.yaml", spec("prune: [users]"));
    await emu.control.injectFault({
      method: "POST",
      path: "/setup/access/policy",
      kind: "status",
      status: 503,
      times: 0,
      organizationId: s.platform.organizationId,
    });
    const a = await s.apply();
    expect(a.code).toBe(1);
    const st = Object.fromEntries(a.result!.outcomes.map((o) => [`${o.entry.kind} ${o.entry.name}`, o.status]));
    expect(st["AccessPolicy deployers"]).toBe("failed");
    expect(st["ProgrammaticUser ci"]).toBe("not done");
    expect(st["User stray@example.com"]).toBe("not done");
    expect(st["UserAttachment prod/alice@example.com"]).toBe("done");
    const out = s.cap.out();
    expect(out).toMatch(/✗ create AccessPolicy deployers \(platform\): POST \/setup\/access\/policy: 503 /);
    expect(out).toContain(
      '· create ProgrammaticUser ci (platform) not done — blocked: AccessPolicy "deployers" failed',
    );
    expect(out).toContain(
      "· delete User stray@example.com (platform) not done — deletions are skipped when another change failed",
    );
    expect(out).toContain("Apply incomplete: 9 done, 1 failed, 2 not done.");
    // The skipped deletion is still this file's to make: its inventory keeps the user.
    const strayId = s.journal().find((l) => l.name === "stray@example.com")!.id!;
    expect(
      s
        .inventories()
        .filter((i) => i.organization === "platform")
        .at(-1)!.ids.User,
    ).toContain(strayId);
    expect(s.journal().find((l) => l.status === "failed")).toMatchObject({
      kind: "AccessPolicy",
      action: "create",
      error: expect.stringContaining("503"),
    });

    await emu.control.clearFaults();
    const again = await s.apply();
    expect(again.code).toBe(0);
    expect(again.result!.outcomes.map((o) => `${o.entry.action} ${o.entry.kind}`).sort()).toEqual([
      "create AccessPolicy",
      "create ProgrammaticUser",
      "delete User",
    ]);
    expect((await s.drift()).code).toBe(0);
  });

  it("secrets never reach error messages or the journal", async () => {
    // Spot never echoes a secret back, so no real kind can produce such an error: the real AzureConnection, with a
    // create that fails quoting its input, stands in for a kind (or a server) that would.
    const kinds = registry().kinds.map((k): ResourceKind =>
      k.name === "AzureConnection"
        ? {
            ...k,
            create: async ({ inputs }) => {
              throw new Error(`Spot rejected clientSecret ${inputs.clientSecret}`);
            },
          }
        : k,
    );
    const s = await scenario(emu, { spec: spec() });
    s.deps.kinds = kinds;
    const a = await s.apply();
    expect(a.code).toBe(1);
    expect(s.cap.out()).toContain("✗ create AzureConnection dev (platform): Spot rejected clientSecret (secret)");
    expect(s.cap.out() + readFileSync(s.journalPath, "utf8")).not.toContain(s.secrets.SPOT_SECRET_AZURE_CLIENT_SECRET);
  });

  it("a plan error stops apply before any change", async () => {
    const s = await scenario(emu, { spec: spec() });
    await emu.control.injectFault({
      method: "GET",
      path: "/setup/organization/user",
      kind: "status",
      status: 401,
      times: 0,
      organizationId: s.platform.organizationId,
    });
    await emu.control.resetStats();
    const a = await s.apply();
    expect(a.code).toBe(1);
    expect(s.cap.out()).toMatch(/error: User "alice@example\.com": GET \/setup\/organization\/user: 401 /);
    expect(s.cap.err()).toBe("The plan has errors; nothing was applied.\n");
    expect((await requests(emu)).writes).toEqual([]);
  });
});

describe("confirmation", () => {
  it("refuses without a terminal, asks on one, and takes only 'yes'", async () => {
    const s = await scenario(emu, { spec: spec() });
    const r = await applyCommand({ file: "spot.yaml" }, s.deps);
    expect(r.code).toBe(1);
    expect(s.cap.err()).toContain(
      "Refusing to apply without confirmation: stdin is not a terminal. Review the plan and pass --auto-approve.",
    );
    const questions: string[] = [];
    s.deps.io = { ...s.deps.io, confirm: async (q) => (questions.push(q), false) };
    await emu.control.resetStats();
    s.cap.clear();
    expect((await applyCommand({ file: "spot.yaml" }, s.deps)).code).toBe(1);
    expect(s.cap.err()).toBe("Apply cancelled; nothing was changed.\n");
    expect((await requests(emu)).writes).toEqual([]);
    s.deps.io = { ...s.deps.io, confirm: async () => true };
    expect((await applyCommand({ file: "spot.yaml" }, s.deps)).code).toBe(0);
    expect(questions).toEqual(["Apply these changes? Only 'yes' is accepted: "]);
  });

  it("reports bad files before connecting", async () => {
    const s = await scenario(emu, { spec: spec().replace("name: prod", "nam: prod") });
    let connected = false;
    s.deps.connect = async () => {
      connected = true;
      throw new Error("no");
    };
    const r = await planCommand({ file: "spot.yaml" }, s.deps);
    expect(r.code).toBe(1);
    expect(s.rel(s.cap.err())).toMatch(/^spot\.yaml:6:9: organizations\[0\]\.accounts\[0\]\.nam: unknown key "nam"/m);
    expect(s.cap.err()).toContain("nothing was sent to Spot");
    expect(connected).toBe(false);
  });
});

describe("stable output", () => {
  /** Ids and organization ids differ per run: masked. */
  const mask = (text: string) =>
    text.replace(/\b(act|u|pu|pol|snp|ugr)-[0-9a-f]{8}\b/g, "$1-<id>").replace(/\b606\d{9}\b/g, "<orgId>");

  /** A plan with every action: create, update, replace, delete. */
  let s: Scenario;
  beforeAll(async () => {
    s = await scenario(emu, { spec: spec("prune: [users]") });
    expect((await s.apply()).code).toBe(0);
    await s.platform.client.users.create({ email: "stray@example.com", firstName: "S", lastName: "T" });
    const [prod] = await accountsNamed(s.platform, "prod");
    await s.platform.client.accounts.updateUser(prod.accountId, {
      userId: await userId(s.platform, "alice@example.com"),
      role: "viewer",
    });
    s.write(
      "spot.yaml",
      spec("prune: [users]")
        .replace("description: Deploys", "description: Deploys from CI")
        .replace(
          "slackNotificationChannels: [https://hooks.slack.com/services/T/B/1]",
          "slackNotificationChannels: [https://hooks.slack.com/services/T/B/2]",
        )
        .replace("      - name: analytics\n", "      - name: analytics\n      - name: warehouse\n"),
    );
  });

  it("JSON", async () => {
    await s.plan({ json: true, pruneUnmanaged: true });
    expect(JSON.parse(mask(s.cap.out()))).toMatchSnapshot();
  });

  it("Markdown", async () => {
    await s.plan({ markdown: true, pruneUnmanaged: true });
    expect(mask(s.cap.out())).toMatchSnapshot();
  });

  it("text, coloured only when asked", async () => {
    await s.plan({ pruneUnmanaged: true });
    expect(s.cap.out()).not.toContain("\u001b[");
    expect(mask(s.cap.out())).toMatchSnapshot();
    s.deps.io = { ...s.deps.io, color: true };
    await s.plan({ pruneUnmanaged: true });
    expect(s.cap.out()).toContain("\u001b[");
  });
});
