/**
 * What keeps a pipeline's apply from doing damage or losing track, against the emulator with two organizations
 * and the real kinds: the deletion limits and the self-access guard, a create that Spot completed only in part,
 * ids pinned in the file, a programmatic user's lost token, what prune shows, and secrets with no journal record.
 */
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { withEmulator } from "../support/emulator";
import { accountsNamed, requests, scenario } from "./fixtures/scenario";
import type { Scenario } from "./fixtures/scenario";

const emu = withEmulator();
afterEach(() => emu.control.clearFaults());

/** Two organizations; PRUNE is a line of the platform organization (keeps positions when empty). */
const SPEC = `version: 1
organizations:
  - name: platform
    PRUNE
    accounts:
      - name: prod
        slackNotificationChannels: [https://hooks.slack.com/services/T/B/prod]
    users:
      - email: erin@example.com
        firstName: Erin
        lastName: Poe
        role: admin
    userAttachments:
      - account: prod
        user: erin@example.com
        role: editor
    programmaticUsers:
      - name: ci
        accounts:
          - account: prod
            role: editor
        tokenFile: secrets/ci.token
  - name: data
    accounts:
      - name: analytics
`;
const spec = (prune = "prune: false") => SPEC.replace("PRUNE", prune);

async function userId(s: Scenario, email: string): Promise<string> {
  return (await s.platform.client.users.listOrganization()).find((u) => u.email === email)!.userId;
}

describe("deletion limits", () => {
  let s: Scenario;
  beforeAll(async () => {
    // Three users the file managed, then removed from it: prune deletes what the file's inventory holds.
    const users = ["old1", "old2", "old3"]
      .map((n) => `      - email: ${n}@example.com\n        firstName: ${n}\n        lastName: Gone\n`)
      .join("");
    s = await scenario(emu, { spec: spec("prune: [users]").replace("    users:\n", `    users:\n${users}`) });
    expect((await s.apply()).code).toBe(0);
    s.write("spot.yaml", spec("prune: [users]"));
  });

  it("plan warns under the organization concerned", async () => {
    expect((await s.plan()).code).toBe(0);
    const out = s.cap.out();
    const warning =
      "warning: organization platform: the plan deletes or replaces 3 of its 7 objects (43%), more than --max-delete-percent 25; review it and pass --allow-deletes to go ahead";
    expect(out).toContain(warning);
    expect(out.indexOf(warning)).toBeLessThan(out.indexOf("Organization data"));
  });

  it("apply refuses more than the share or the number allowed, with nothing deleted", async () => {
    await emu.control.resetStats();
    const a = await s.apply();
    expect(a.code).toBe(3);
    expect(s.cap.err()).toBe(
      "refused: organization platform: the plan deletes or replaces 3 of its 7 objects (43%), more than --max-delete-percent 25; review it and pass --allow-deletes to go ahead\n" +
        "Safeguards stopped the apply; nothing was applied.\n",
    );
    const b = await s.apply({ deleteLimits: { maxDeletes: 2, maxDeletePercent: 100 }, json: true });
    expect(b.code).toBe(3);
    expect(JSON.parse(s.cap.out())).toMatchObject({
      apply: null,
      refused: [
        "organization platform: the plan deletes or replaces 3 objects, more than --max-deletes 2; review it and pass --allow-deletes to go ahead (or raise --max-deletes)",
      ],
    });
    expect((await requests(emu)).writes).toEqual([]);
    // Within both limits it goes ahead.
    expect((await s.plan({ deleteLimits: { maxDeletes: 3, maxDeletePercent: 50 } })).code).toBe(0);
    expect(s.cap.out()).not.toContain("--max-delete");
  });

  it("--allow-deletes confirms them", async () => {
    const a = await s.apply({ deleteLimits: { allowed: true } });
    expect(a.code).toBe(0);
    expect(s.cap.out()).toContain("Apply complete: 3 done, 0 failed, 0 not done.");
    const emails = (await s.platform.client.users.listOrganization()).map((u) => u.email);
    expect(emails.filter((e) => e?.startsWith("old"))).toEqual([]);
  });
});

describe("the token's own access", () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await scenario(emu, { spec: spec() });
    expect((await s.apply()).code).toBe(0);
  });

  it("is known from SPOT_IAC_SELF_<LABEL>: replacing the token's own programmatic user is refused", async () => {
    const ci = s.journal().find((e) => e.kind === "ProgrammaticUser")!.id!;
    s.write(
      "spot.yaml",
      spec().replace("            role: editor\n        tokenFile", "            role: viewer\n        tokenFile"),
    );
    s.env.SPOT_IAC_SELF_PLATFORM = ci;
    await emu.control.resetStats();
    try {
      const a = await s.apply();
      expect(a.code).toBe(3);
      expect(s.cap.out()).toContain(`-/+ ProgrammaticUser ci (${ci}) will be replaced`);
      expect(s.cap.err()).toBe(
        "refused: organization platform: ProgrammaticUser ci: it replaces the user whose token runs this apply; the run would lock itself out half-way. Make this change with another token (or in the Spot console), or leave it out of the file\n" +
          "Safeguards stopped the apply; nothing was applied.\n",
      );
      expect((await requests(emu)).writes).toEqual([]);
      // An e-mail names a console user: then the same change is someone else's, and goes ahead.
      s.env.SPOT_IAC_SELF_PLATFORM = "admin@example.com";
      expect((await s.plan()).code).toBe(0);
    } finally {
      delete s.env.SPOT_IAC_SELF_PLATFORM;
    }
  });

  it("is learned from the audit log of the last journaled run: downgrading it is refused", async () => {
    // From now on the pipeline runs with Erin's token (an admin the file manages), and journals a run.
    s.env.SPOT_TOKEN_PLATFORM = await emu.control.mintToken(await userId(s, "erin@example.com"));
    s.write("spot.yaml", spec().replace("      - name: prod\n", "      - name: prod\n      - name: dev\n"));
    const run = await s.apply();
    expect(run.code).toBe(0);
    expect(s.journal().at(-1)).toMatchObject({ runId: run.runId, kind: "Account", name: "dev", status: "done" });

    s.write(
      "spot.yaml",
      spec()
        .replace("      - name: prod\n", "      - name: prod\n      - name: dev\n")
        .replace("        role: editor\n    programmatic", "        role: viewer\n    programmatic"),
    );
    await emu.control.resetStats();
    const a = await s.apply();
    expect(a.code).toBe(3);
    const [prod] = await accountsNamed(s.platform, "prod");
    expect(s.cap.err()).toBe(
      `refused: organization platform: UserAttachment prod/erin@example.com: it downgrades the token's own role on account ${prod.accountId} (editor → viewer); the run would lock itself out half-way. Make this change with another token (or in the Spot console), or leave it out of the file\n` +
        "Safeguards stopped the apply; nothing was applied.\n",
    );
    expect((await requests(emu)).writes).toEqual([]);
    // With the admin's token the change is not the token's own.
    s.env.SPOT_TOKEN_PLATFORM = s.platform.token;
    s.env.SPOT_IAC_SELF_PLATFORM = "admin@example.com";
    try {
      expect((await s.apply()).code).toBe(0);
    } finally {
      delete s.env.SPOT_IAC_SELF_PLATFORM;
    }
  });
});

describe("a create that Spot completed only in part", () => {
  it("is reported, journaled as partial with its id, and the next apply continues with it", async () => {
    const s = await scenario(emu, { spec: spec() });
    await emu.control.injectFault({
      method: "PUT",
      path: "/setup/account/{accountId}",
      kind: "status",
      status: 500,
      times: 0,
      organizationId: s.platform.organizationId,
    });
    const a = await s.apply();
    expect(a.code).toBe(1);
    const accounts = await accountsNamed(s.platform, "prod");
    expect(accounts).toHaveLength(1);
    const id = accounts[0].accountId;
    const out = s.cap.out();
    expect(out).toMatch(/^✗ create Account prod \(platform\) failed in \d+\.\d s$/m);
    expect(out).toContain(
      `✗ create Account prod (platform): Account ${id} was created, but setting its Slack channels failed: PUT /setup/account/${id}: 500`,
    );
    expect(out).toMatch(/; the next apply finishes it\n/);
    expect(out).toContain(
      '· create UserAttachment prod/erin@example.com (platform) not done — blocked: Account "prod" failed',
    );
    expect(out).toContain("Apply incomplete: 2 done, 1 failed, 2 not done.");
    expect(s.journal().filter((e) => e.kind === "Account" && e.name === "prod")).toEqual([
      expect.objectContaining({ runId: a.runId, action: "create", status: "partial", id }),
    ]);

    await emu.control.clearFaults();
    expect((await s.plan()).code).toBe(0);
    expect(s.cap.out()).toContain(
      `~ Account prod (${id}) will be updated in place — finishes the half-done create of ${id}\n` +
        '      slackNotificationChannels: (none) → ["https://hooks.slack.com/services/T/B/prod"]\n',
    );
    const again = await s.apply();
    expect(again.code).toBe(0);
    expect(again.result!.outcomes.map((o) => `${o.entry.action} ${o.entry.kind} ${o.id}`)).toEqual(
      expect.arrayContaining([`update Account ${id}`]),
    );
    expect((await accountsNamed(s.platform, "prod")).map((x) => x.accountId)).toEqual([id]);
    const live = await s.platform.client.accounts.get(id, { direct: true });
    expect((live as any).slackNotificationChannels).toEqual(["https://hooks.slack.com/services/T/B/prod"]);
    expect((await s.drift()).code).toBe(0);
  });
});

describe("identity", () => {
  let s: Scenario;
  let id = "";
  beforeAll(async () => {
    s = await scenario(emu, { spec: spec() });
    expect((await s.apply()).code).toBe(0);
    id = (await accountsNamed(s.platform, "prod"))[0].accountId;
  });
  const renamed = (pin: string) =>
    spec()
      .replace("      - name: prod\n", `      - name: production\n${pin}`)
      .replace(/account: prod\n/g, "account: production\n");

  it("without id:, a rename is a new object, and the plan names the old one and its id", async () => {
    s.write("spot.yaml", renamed("").replace("- name: ci\n", "- name: ci-bot\n"));
    expect((await s.plan()).code).toBe(0);
    const out = s.cap.out();
    expect(out).toContain(
      `+ Account production will be created — a new Account; if it renames "prod" (${id}), pin \`id: ${id}\` on it to rename in place — otherwise it stays, undeclared\n`,
    );
    // Pinning the id would not rename these in place (a new name replaces a programmatic user; an attachment to
    // another account is another attachment): no such hint on them.
    expect(out).toMatch(/\+ ProgrammaticUser ci-bot will be created\n/);
    expect(out).toMatch(/\+ UserAttachment production\/erin@example\.com will be created\n/);
  });

  it("with id: pinned, the rename is an update in place of the same account", async () => {
    s.write("spot.yaml", renamed(`        id: ${id}\n`));
    expect((await s.plan()).code).toBe(0);
    expect(s.cap.out()).toContain(
      `~ Account production (${id}) will be updated in place\n      name: "prod" → "production"\n`,
    );
    expect(s.cap.out()).toContain("Plan: 0 to create, 1 to update, 0 to replace, 0 to delete.");
    const a = await s.apply();
    expect(a.code).toBe(0);
    const names = (await s.platform.client.accounts.list()).map((x) => [x.accountId, x.name]);
    expect(names.filter(([, n]) => n !== "Default Account")).toEqual([[id, "production"]]);
    expect((await s.drift()).code).toBe(0);
  });

  it("an id that names nothing is an error, not a silent create", async () => {
    s.write("spot.yaml", renamed("        id: act-0badf00d\n"));
    expect((await s.plan()).code).toBe(1);
    expect(s.cap.out()).toContain(
      'error: Account "production": id act-0badf00d names no Account in Spot (deleted outside spot-iac?); remove id: to create a new one',
    );
  });
});

describe("a programmatic user's lost token", () => {
  it("is reported at plan with the --replace remedy, and apply --replace mints a new one", async () => {
    const s = await scenario(emu, { spec: spec() });
    expect((await s.apply()).code).toBe(0);
    const tokenFile = join(s.dir, "secrets/ci.token");
    const old = readFileSync(tokenFile, "utf8");
    const oldId = s.journal().find((e) => e.kind === "ProgrammaticUser")!.id;
    rmSync(tokenFile);
    const p = await s.plan();
    expect(p.code).toBe(0);
    expect(s.cap.out()).toContain(
      `warning: ProgrammaticUser "ci": its token file ${tokenFile} does not exist, and Spot returns the token only at creation. To get a new one, replace it: spot-iac apply --replace ProgrammaticUser/ci\n`,
    );
    expect(s.cap.out()).toContain("No changes: live state matches the file.");

    const a = await s.apply({ replace: ["ProgrammaticUser/ci"] });
    expect(a.code).toBe(0);
    const outcome = a.result!.outcomes.find((o) => o.entry.kind === "ProgrammaticUser")!;
    expect(outcome).toMatchObject({ status: "done", entry: { action: "replace" } });
    expect(outcome.id).not.toBe(oldId);
    const token = readFileSync(tokenFile, "utf8").trim();
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(token.length).toBeGreaterThan(20);
    expect(token).not.toBe(old.trim());
    expect(s.cap.out()).not.toContain(token);
    expect(readFileSync(s.journalPath, "utf8")).not.toContain(token);
    const pus = (await s.platform.client.users.listOrganization()).filter((u) => u.type === "programmatic");
    expect(pus.map((u) => u.userId)).toEqual([outcome.id]);
    expect((await s.plan()).code).toBe(0);
    expect(s.cap.out()).not.toContain("warning:");
  });
});

describe("prune", () => {
  it("names a pruned attachment by its account and its user's e-mail, once", async () => {
    // Erin is no admin here: Spot attaches new users who are not admins to the default account.
    const viewer = (prune?: string) => spec(prune).replace("        role: admin\n", "");
    const s = await scenario(emu, { spec: viewer() });
    expect((await s.apply()).code).toBe(0);
    // Spot attaches new users to the default account; and someone attached a user the file does not declare.
    const stray = await s.platform.client.users.create({ email: "stray@example.com", firstName: "S", lastName: "T" });
    const [prod] = await accountsNamed(s.platform, "prod");
    await s.platform.client.accounts.attachUser(prod.accountId, { userEmail: "stray@example.com", role: "viewer" });
    s.write("spot.yaml", viewer("prune: [userAttachments]"));
    // None of these was ever declared: only the pipeline's --prune-unmanaged lets prune touch them.
    expect((await s.plan()).code).toBe(0);
    expect(s.cap.out()).toContain(
      "warning: prune: 3 undeclared UserAttachment objects are kept: this file never managed them (no inventory in its journal); the pipeline can pass --prune-unmanaged to delete them too",
    );
    expect((await s.plan({ pruneUnmanaged: true })).code).toBe(0);
    const erin = await userId(s, "erin@example.com");
    const rows = s.cap
      .out()
      .split("\n")
      .filter((l) => l.startsWith("  - "));
    expect(rows).toEqual([
      `  - UserAttachment Default Account/erin@example.com (${s.platform.accountId}/${erin}) will be DELETED — not declared; prune: userAttachments`,
      `  - UserAttachment Default Account/stray@example.com (${s.platform.accountId}/${stray.userId}) will be DELETED — not declared; prune: userAttachments`,
      `  - UserAttachment prod/stray@example.com (${prod.accountId}/${stray.userId}) will be DELETED — not declared; prune: userAttachments`,
    ]);
    expect(s.cap.out()).not.toMatch(/@example\.com\/\w+@example\.com/);
  });
});

describe("secrets with no journal record", () => {
  const AZURE = `version: 1
organizations:
  - name: platform
    accounts:
      - name: staging
        azure:
          tenantId: 8d2a4c0e-1b3f-4a5d-9e7c-6f8a1b2c3d4e
          clientId: 3f6b9e2a-7c1d-4e8f-a0b5-c2d4e6f8a1b3
          subscriptionId: 5c7e9a1b-3d5f-4b7a-8c9e-0a2b4c6d8e0f
          clientSecretEnv: SPOT_SECRET_AZURE_CLIENT_SECRET
          expirationDate: 2027-12-31T23:59:00Z
  - name: data
    accounts:
      - name: analytics
`;

  it("are shown by plan, sent once by apply, and are no drift on their own", async () => {
    const s = await scenario(emu, { spec: AZURE });
    expect((await s.apply()).code).toBe(0);
    rmSync(s.journalPath);

    expect((await s.plan()).code).toBe(0);
    const [staging] = await accountsNamed(s.platform, "staging");
    expect(s.cap.out()).toContain(
      `~ AzureConnection staging (${staging.accountId}) will be updated in place — secrets with no journal record to compare with: apply sends them once and records them\n` +
        "      clientSecret: (secret, not verified) → (secret)\n",
    );
    await s.plan({ json: true });
    expect(JSON.parse(s.cap.out()).organizations[0].changes).toEqual([
      expect.objectContaining({ kind: "AzureConnection", action: "update", unverified: true }),
    ]);

    const d = await s.drift();
    expect(d.code).toBe(0);
    expect(s.cap.out()).toContain(
      "No drift found: only secrets that could not be verified (no journal record); apply sends them once.",
    );

    await emu.control.resetStats();
    const a = await s.apply();
    expect(a.code).toBe(0);
    expect(a.result!.outcomes.map((o) => `${o.entry.action} ${o.entry.kind} ${o.status}`)).toEqual([
      "update AzureConnection done",
    ]);
    const writes = (await emu.control.stats()).requests;
    expect(Object.entries(writes).filter(([k]) => !k.startsWith("GET "))).toEqual([
      ["POST /azure/setup/credentials", 1],
    ]);
    expect(s.journal()).toEqual([
      expect.objectContaining({
        kind: "AzureConnection",
        secretHashes: { clientSecret: expect.stringMatching(/^scrypt:/) },
      }),
    ]);
    expect(readFileSync(s.journalPath, "utf8")).not.toContain(s.secrets.SPOT_SECRET_AZURE_CLIENT_SECRET);

    expect((await s.plan()).code).toBe(0);
    expect(s.cap.out()).toContain("No changes: live state matches the file.");

    // Real drift beside an unverified secret still exits 2.
    rmSync(s.journalPath);
    s.write("spot.yaml", AZURE.replace("      - name: staging\n", "      - name: qa\n      - name: staging\n"));
    expect((await s.drift()).code).toBe(2);
  });
});
