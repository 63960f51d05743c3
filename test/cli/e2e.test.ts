/**
 * The GitOps CLI end to end: the real resource kinds and API client against the emulator (one per file).
 * plan → apply → drift → out-of-band change → repair → audit; prune; a fault mid-apply then a converging
 * re-run; bad files rejected with positions; stable Markdown and JSON.
 */
import { appendFileSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { SpotClient } from "../../src/api";
import { withEmulator } from "../support/emulator";
import { requests, scenario as twoOrganizations } from "./fixtures/scenario";

const emu = withEmulator();

/** Two fresh organizations and a working directory holding the file (default: the example). */
async function scenario(spec?: string) {
  const s = await twoOrganizations(emu, { spec });
  return { ...s, client: s.platform.client, tmp: { dir: s.dir, write: s.write } };
}

type Scenario = Awaited<ReturnType<typeof scenario>>;

async function accountId(s: Scenario, name: string): Promise<string> {
  const [a] = await s.client.accounts.findByName(name);
  return a.accountId;
}

async function userId(s: Scenario, email: string): Promise<string> {
  const u = (await s.client.users.listOrganization()).find((x) => x.email === email);
  return u!.userId;
}

describe("the example file, end to end", () => {
  let s: Scenario;
  let firstRun = "";
  beforeAll(async () => {
    s = await scenario();
  });

  it("plans 17 creates across both organizations", async () => {
    const r = await s.plan();
    expect(r.code).toBe(0);
    const out = s.cap.out();
    expect(out).toContain("Plan: 17 to create, 0 to update, 0 to replace, 0 to delete.");
    expect(out).toContain(`Organization platform (${s.platform.organizationId})\n`);
    expect(out).toContain("clientSecret: (secret)");
    expect(out).toContain("serviceAccountKey: (secret)");
    for (const v of Object.values(s.secrets)) expect(out).not.toContain(v);
  });

  it("applies, writes the programmatic user's token to a 0600 file, and nothing else shows it", async () => {
    const r = await s.apply();
    firstRun = r.runId;
    expect(s.cap.out()).toContain("Apply complete: 17 done, 0 failed, 0 not done.");
    expect(r.code).toBe(0);
    const tokenFile = join(s.tmp.dir, ".secrets/ci-deployer.token");
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenFile, "utf8").trim();
    expect(token.length).toBeGreaterThan(20);
    const journal = readFileSync(join(s.tmp.dir, ".spot-iac/journal.jsonl"), "utf8");
    for (const v of [token, ...Object.values(s.secrets), s.env.SPOT_TOKEN_PLATFORM!, s.env.SPOT_TOKEN_DATA!]) {
      expect(s.cap.out()).not.toContain(v);
      expect(journal).not.toContain(v);
    }
    // 17 changes, and one inventory per organization: what the file manages.
    expect(s.journal()).toHaveLength(17);
    expect(s.inventories().map((i) => [i.organization, Object.values(i.ids).flat().length])).toEqual([
      ["platform", 12],
      ["data", 5],
    ]);
    // Live objects, as Spot sees them.
    const prod = await accountId(s, "prod");
    const aws = await s.client.credentials.getAws(prod);
    expect(aws.iamRole).toBe("arn:aws:iam::123456789012:role/SpotAccess");
    const mapping = await s.client.users.accountMappings("alice@example.com");
    expect(mapping.find((m) => m.accountId === prod)?.role).toBe("editor");
  });

  it("then drift is clean and a second apply changes nothing", async () => {
    expect((await s.drift()).code).toBe(0);
    expect(s.cap.out()).toContain("No drift: live state matches the file.");
    const again = await s.apply();
    expect(again.code).toBe(0);
    expect(s.cap.out()).toContain("No changes: live state matches the file.");
  });

  it("the audit receipt finds all 17 changes in Spot's audit log", async () => {
    const r = await s.audit(firstRun, { json: true });
    const receipt = JSON.parse(s.cap.out());
    expect(r.code).toBe(0);
    expect(receipt.ok).toBe(true);
    const changes = receipt.organizations.flatMap((o: any) => o.changes);
    expect(changes).toHaveLength(17);
    expect(changes.every((c: any) => c.events.length >= 1)).toBe(true);
    const ext = changes.find((c: any) => c.kind === "AwsExternalId");
    expect(ext.events[0].actionType).toMatch(/External/i);
    expect(receipt.organizations.flatMap((o: any) => o.unexplained)).toEqual([]);
  });

  it("a change the journal claims but Spot never saw fails the receipt", async () => {
    const journal = join(s.tmp.dir, ".spot-iac/journal.jsonl");
    const first = JSON.parse(readFileSync(journal, "utf8").split("\n")[0]);
    appendFileSync(
      journal,
      JSON.stringify({ ...first, kind: "Account", name: "ghost", id: "act-0badf00d", action: "create" }) + "\n",
    );
    const r = await s.audit(firstRun);
    expect(r.code).toBe(1);
    expect(s.cap.out()).toContain("✗ create Account ghost act-0badf00d — no audit event records it");
    expect(s.cap.out()).toMatch(/Receipt: 18 changes journaled, 17 found in Spot's audit log, 1 missing\./);
  });

  it("sees a console change field by field (exit 2), repairs it, and audits the repair", async () => {
    const prod = await accountId(s, "prod");
    await s.client.accounts.updateUser(prod, { userId: await userId(s, "bob@example.com"), role: "editor" });
    await s.client.accounts.update(prod, { name: "prod", slackNotificationChannels: [] });
    const d = await s.drift();
    expect(d.code).toBe(2);
    const out = s.cap.out();
    expect(out).toMatch(
      /~ UserAttachment prod\/bob@example.com \(act-\w+\/u-\w+\) will be updated in place\n\s+role: "editor" → "viewer"/,
    );
    expect(out).toMatch(
      /~ Account prod \(act-\w+\) will be updated in place\n\s+slackNotificationChannels: \(none\) → \["https:\/\/hooks.slack.com\/services\/T0000\/B0000\/prodalerts"\]/,
    );
    expect(out).toContain("Drift: 0 to create, 2 to update, 0 to replace, 0 to delete.");
    const repair = await s.apply();
    expect(repair.code).toBe(0);
    expect((await s.drift()).code).toBe(0);
    const audit = await s.audit(repair.runId);
    expect(s.cap.out()).toContain("Receipt: 2 changes journaled, 2 found in Spot's audit log, 0 missing.");
    expect(audit.code).toBe(0);
  });

  it("a changed secret is seen through the journal's hash and shown only as (secret)", async () => {
    s.env.SPOT_SECRET_AZURE_CLIENT_SECRET = "azure-client-secret-rotated";
    const d = await s.drift({ json: true });
    expect(d.code).toBe(2);
    const changes = JSON.parse(s.cap.out()).organizations[0].changes;
    expect(changes).toEqual([
      {
        action: "update",
        kind: "AzureConnection",
        name: "staging",
        id: expect.stringMatching(/^act-/),
        fields: [{ field: "clientSecret", before: "(secret)", after: "(secret)", secret: true }],
      },
    ]);
    expect((await s.apply()).code).toBe(0);
    expect((await s.drift()).code).toBe(0);
    const journal = readFileSync(join(s.tmp.dir, ".spot-iac/journal.jsonl"), "utf8");
    expect(journal).not.toContain("azure-client-secret");
    s.env.SPOT_SECRET_AZURE_CLIENT_SECRET = s.secrets.SPOT_SECRET_AZURE_CLIENT_SECRET;
    expect((await s.apply()).code).toBe(0);
  });

  it("an object deleted out of band is re-created", async () => {
    const carolData = new SpotClient({ token: s.data.token, baseUrl: emu.url, frontend: "sdk" });
    const pol = (await carolData.access.policies.findByName("analysts"))[0];
    await carolData.access.policies.delete(pol.id);
    expect((await s.drift()).code).toBe(2);
    expect(s.cap.out()).toContain("+ AccessPolicy analysts will be created");
    // Spot dropped the deleted policy from the attachment: it gets the re-created one.
    expect(s.cap.out()).toMatch(
      /~ UserAttachment analytics\/carol@example.com .*\n\s+policies: \(none\) → \["analysts \(known after apply\)"\]/,
    );
    expect(s.cap.out().indexOf("AccessPolicy analysts")).toBeLessThan(s.cap.out().indexOf("UserAttachment analytics"));
    expect((await s.apply()).code).toBe(0);
    expect((await s.drift()).code).toBe(0);
  });
});

const SMALL = `version: 1
organizations:
  - name: platform
    tokenEnv: SPOT_TOKEN_PLATFORM
    PRUNE
    accounts:
      - name: prod
    users:
      - email: alice@example.com
        firstName: Alice
        lastName: Martin
    accessPolicies:
      - name: readers
        statements:
          - effect: ALLOW
            actions: [ocean:describeCluster]
            resources: ["*"]
    userAttachments:
      - account: prod
        user: alice@example.com
        policies: [readers]
`;

describe("prune", () => {
  it("deletes undeclared objects of the listed sections (console-made ones with --prune-unmanaged), never an admin, and shows it loudly first", async () => {
    const s = await scenario(SMALL.replace("PRUNE", "prune: false"));
    expect((await s.apply()).code).toBe(0);
    await s.client.users.create({ email: "stray@example.com", firstName: "Stray", lastName: "User" });
    await s.client.access.policies.create({
      name: "legacy",
      policyContent: { statements: [{ effect: "ALLOW", actions: ["ocean:describeCluster"], resources: ["*"] }] },
    });
    expect((await s.plan()).code).toBe(0);
    expect(s.cap.out()).toContain("No changes: live state matches the file.");

    s.tmp.write("spot.yaml", SMALL.replace("PRUNE", "prune: [users, accessPolicies]"));
    // Made in the console, never by this file: kept unless the pipeline says otherwise.
    await s.plan();
    expect(s.cap.out()).toContain("No changes: live state matches the file.");
    expect(s.cap.out()).toContain(
      "warning: prune: 1 undeclared AccessPolicy object is kept: this file never managed it (no inventory in its journal); the pipeline can pass --prune-unmanaged to delete it too",
    );
    await s.plan({ markdown: true, pruneUnmanaged: true });
    expect(s.cap.out()).toContain("> **2 objects will be deleted** (prune).");
    await s.plan({ pruneUnmanaged: true });
    const out = s.cap.out();
    expect(out).toContain("!! 2 objects will be DELETED");
    expect(out).toMatch(/- AccessPolicy legacy \(pol-\w+\) will be DELETED — not declared; prune: accessPolicies/);
    expect(out).toMatch(/- User stray@example.com \(u-\w+\) will be DELETED — not declared; prune: users/);
    expect(out).toMatch(
      /warning: prune: User admin@example.com \(u-\w+\) is kept: organization admins are never pruned/,
    );
    expect(out.indexOf("will be DELETED")).toBeLessThan(out.indexOf("unchanged"));
    const r = await s.apply({ pruneUnmanaged: true });
    expect(r.code).toBe(0);
    expect((await s.client.users.listOrganization()).map((u) => u.email)).not.toContain("stray@example.com");
    expect((await s.client.access.policies.findByName("legacy")).length).toBe(0);
    expect((await s.drift()).code).toBe(0);
  });
});

describe("faults", () => {
  afterEach(() => emu.control.clearFaults());

  it("a failure mid-apply stops its dependants, reports done and not done, and a re-run converges", async () => {
    const s = await scenario(SMALL.replace("PRUNE", ""));
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
    const status = Object.fromEntries(a.result!.outcomes.map((o) => [`${o.entry.kind} ${o.entry.name}`, o.status]));
    expect(status).toEqual({
      "Account prod": "done",
      "User alice@example.com": "done",
      "AccessPolicy readers": "failed",
      "UserAttachment prod/alice@example.com": "not done",
    });
    expect(s.cap.out()).toContain('not done — blocked: AccessPolicy "readers" failed');
    expect(s.cap.out()).toContain("Apply incomplete: 2 done, 1 failed, 1 not done.");
    await emu.control.clearFaults();
    const again = await s.apply();
    expect(again.code).toBe(0);
    expect(again.result!.outcomes.map((o) => `${o.entry.action} ${o.entry.kind}`)).toEqual([
      "create AccessPolicy",
      "create UserAttachment",
    ]);
    expect((await s.drift()).code).toBe(0);
  });

  it("a create that commits before the connection drops is not duplicated", async () => {
    const s = await scenario(SMALL.replace("PRUNE", ""));
    await emu.control.injectFault({
      method: "POST",
      path: "/setup/user",
      kind: "commit-then-fail",
      then: "drop",
      times: 1,
      organizationId: s.platform.organizationId,
    });
    const a = await s.apply();
    expect(a.code).toBe(0);
    expect((await s.client.users.listOrganization()).filter((u) => u.email === "alice@example.com")).toHaveLength(1);
    expect((await s.drift()).code).toBe(0);
  });
});

describe("bad files, with the real registry", () => {
  it("are rejected with file:line:column before any request", async () => {
    const s = await scenario(
      SMALL.replace("PRUNE", "token: abc")
        .replace(
          "      - name: prod",
          "      - name: prod\n        azure:\n          clientSecret: hunter2\n        slackNotificationChannel: x",
        )
        .replace("        user: alice@example.com", "        user: alicia@example.com")
        .replace("        firstName: Alice", "        firstName: [Alice]"),
    );
    await emu.control.resetStats();
    const r = await s.plan();
    expect(r.code).toBe(1);
    const err = s.rel(s.cap.err());
    // Every problem of the file in one pass, the dangling reference included.
    expect(err.trim().split("\n")).toEqual([
      "spot.yaml:5:5: organizations[0].token: inline tokens are not allowed; remove it: the pipeline passes this organization's token in the environment variable SPOT_TOKEN_PLATFORM (pattern SPOT_TOKEN_{LABEL})",
      expect.stringMatching(
        /^spot\.yaml:8:9: organizations\[0\]\.accounts\[0\]\.azure: missing required key "clientId"/,
      ),
      expect.stringMatching(
        /^spot\.yaml:8:9: organizations\[0\]\.accounts\[0\]\.azure: missing required key "tenantId"/,
      ),
      expect.stringMatching(
        /^spot\.yaml:8:9: organizations\[0\]\.accounts\[0\]\.azure: missing required key "subscriptionId"/,
      ),
      expect.stringMatching(
        /^spot\.yaml:8:9: organizations\[0\]\.accounts\[0\]\.azure: missing required key "expirationDate"/,
      ),
      'spot.yaml:9:11: organizations[0].accounts[0].azure.clientSecret: "clientSecret" is a secret and is never written inline; use clientSecretEnv: NAME (an environment variable) or clientSecretFile: PATH',
      'spot.yaml:10:9: organizations[0].accounts[0].slackNotificationChannel: unknown key "slackNotificationChannel" (did you mean "slackNotificationChannels"?); expected one of name, slackNotificationChannels, allowDeletion, id, awsExternalId, aws, azure, gcp',
      "spot.yaml:13:20: organizations[0].users[0].firstName: expected a string, got a list",
      'spot.yaml:23:15: organizations[0].userAttachments[0].user: no User named "alicia@example.com" is declared in organization "platform" (declared: alice@example.com); declare it, or write { id: "<id>" } for one this file does not manage',
      "9 problems in spot.yaml; nothing was sent to Spot.",
    ]);
    expect(err).not.toContain("hunter2");
    expect((await requests(emu)).total).toBe(0);

    s.tmp.write(
      "spot.yaml",
      SMALL.replace("PRUNE", "").replace("        user: alice@example.com", "        user: alicia@example.com"),
    );
    await s.plan();
    expect(s.cap.err()).toMatch(
      /spot\.yaml:20:15: organizations\[0\]\.userAttachments\[0\]\.user: no User named "alicia@example.com" is declared in organization "platform" \(declared: alice@example.com\)/,
    );
  });
});

describe("stable output against the emulator", () => {
  const mask = (text: string) => text.replace(/\b\d{9,}\b/g, "<orgId>");

  it("the example's first plan in Markdown and JSON", async () => {
    const s = await scenario();
    await s.plan({ markdown: true });
    expect(mask(s.cap.out())).toMatchSnapshot("markdown");
    await s.plan({ json: true });
    expect(JSON.parse(mask(s.cap.out()))).toMatchSnapshot("json");
  });
});
