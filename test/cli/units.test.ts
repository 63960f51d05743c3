/**
 * The GitOps CLI's pieces that need no Spot: the limiter, run ids, the spinner, the journal and its index, the lock,
 * saved plan files, the safeguards' decisions on plans, audit matching.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { eventMatches, reconcile } from "../../src/cli/gitops/audit";
import type { JournalEntry } from "../../src/cli/gitops/journal";
import { Journal, JournalIndex } from "../../src/cli/gitops/journal";
import { LockedError, lockOrganizations } from "../../src/cli/gitops/lock";
import type { Plan, PlanEntry } from "../../src/cli/gitops/model";
import { readSavedPlan, SavedPlanError, toSavedPlan, writeSavedPlan } from "../../src/cli/gitops/plan-file";
import { Progress } from "../../src/cli/gitops/progress";
import { DEFAULT_DELETE_LIMITS, massDeletion, selfAccess } from "../../src/cli/gitops/safeguards";
import { limiter, scrub } from "../../src/cli/gitops/util";
import { newRunId } from "../../src/core";
import { VERSION } from "../../src/version";
import { tempDir } from "./fixtures/helpers";

const entry = (over: Partial<JournalEntry>): JournalEntry => ({
  v: 1,
  runId: "r1",
  started: "2025-01-01T00:00:00.000Z",
  time: "2025-01-01T00:00:01.000Z",
  organization: "o",
  tokenEnv: "T",
  kind: "Account",
  name: "prod",
  action: "create",
  fields: [],
  status: "done",
  ...over,
});

describe("limiter", () => {
  it("never runs more than n tasks at once and runs them all", async () => {
    const run = limiter(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        run(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setImmediate(r));
          active--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("keeps going after a task fails", async () => {
    const run = limiter(1);
    await expect(run(async () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    await expect(run(async () => 2)).resolves.toBe(2);
  });
});

describe("helpers", () => {
  it("run ids are valid User-Agent tokens", () => {
    expect(newRunId(new Date("2025-06-01T12:34:56.789Z"))).toMatch(/^r20250601T123456Z-[0-9a-f]{8}$/);
  });
  it("scrub hides known secrets", () => {
    expect(scrub("bad secret hunter22 here", ["hunter22", "ab"])).toBe("bad secret (secret) here");
  });
});

describe("progress", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("draws only when enabled and after its delay, and clears its line", () => {
    let out = "";
    const p = new Progress(true, (s) => void (out += s), "Planning", 400);
    p.start(3);
    p.tick();
    jest.advanceTimersByTime(399);
    expect(out).toBe("");
    jest.advanceTimersByTime(1);
    expect(out).toMatch(/Planning 1\/3$/);
    p.tick(true);
    jest.advanceTimersByTime(100);
    expect(out).toMatch(/Planning 2\/3, 1 failed$/);
    p.stop();
    expect(out.endsWith("\r\x1b[K")).toBe(true);
    const drawn = out;
    jest.advanceTimersByTime(1000);
    expect(out).toBe(drawn);

    // A run shorter than the delay draws nothing at all.
    let short = "";
    const r = new Progress(true, (s) => void (short += s), "Applying", 400);
    r.start(1);
    jest.advanceTimersByTime(100);
    r.stop();
    jest.advanceTimersByTime(1000);
    expect(short).toBe("");

    let quiet = "";
    const q = new Progress(false, (s) => void (quiet += s), "Planning", 0);
    q.start(3);
    jest.advanceTimersByTime(1000);
    q.stop();
    expect(quiet).toBe("");
  });
});

describe("journal", () => {
  it("skips a torn last line and indexes the latest secret hashes", () => {
    const tmp = tempDir();
    const j = new Journal(join(tmp.dir, "deep/j.jsonl"));
    j.append(entry({ kind: "User", id: "u-1", secretHashes: { password: "scrypt:a" } }));
    j.append(entry({ kind: "User", id: "u-1", action: "update", secretHashes: { password: "scrypt:b" } }));
    j.append(entry({ kind: "User", id: "u-2", secretHashes: { password: "scrypt:c" } }));
    j.append(entry({ kind: "User", id: "u-2", action: "delete" }));
    j.append(entry({ kind: "User", id: "u-3", status: "failed", secretHashes: { password: "scrypt:d" } }));
    appendFileSync(j.path, '{"v":1,"runId":"r1","tim');
    const all = j.read();
    expect(all).toHaveLength(5);
    const idx = new JournalIndex(all);
    expect(idx.memory("User", "u-1").get("password")).toBe("scrypt:b");
    expect(idx.memory("User", "u-2").get("password")).toBeUndefined();
    expect(idx.memory("User", "u-3").get("password")).toBeUndefined();
    expect(new Journal(join(tmp.dir, "missing.jsonl")).read()).toEqual([]);
  });

  it("a memory collects what is set for the next entry and answers it before the recorded hash", () => {
    const idx = new JournalIndex([entry({ kind: "User", id: "u-1", secretHashes: { password: "scrypt:old" } })]);
    const m = idx.memory("User", "u-1");
    expect(m.recorded).toEqual({});
    m.set("password", "scrypt:new");
    expect(m.get("password")).toBe("scrypt:new");
    expect(m.recorded).toEqual({ password: "scrypt:new" });
    // Not in the index until journaled.
    expect(idx.memory("User", "u-1").get("password")).toBe("scrypt:old");
  });

  it("remembers half-finished creates by declared name until one is done", () => {
    const idx = new JournalIndex([
      entry({ id: "act-1", status: "partial", error: "setting its Slack channels failed" }),
      entry({ organization: "other", id: "act-2", status: "partial" }),
    ]);
    expect(idx.unfinished("o", "Account", "prod")).toBe("act-1");
    expect(idx.unfinished("o", "Account", "dev")).toBeUndefined();
    expect(idx.unfinished("other", "Account", "prod")).toBe("act-2");
    idx.add(entry({ id: "act-1", action: "update", status: "failed" }));
    expect(idx.unfinished("o", "Account", "prod")).toBe("act-1");
    idx.add(entry({ id: "act-1", action: "update" }));
    expect(idx.unfinished("o", "Account", "prod")).toBeUndefined();
  });

  it("knows each organization's objects under their last names, not the deleted or replaced ones", () => {
    const idx = new JournalIndex([
      entry({ id: "act-1", name: "prod" }),
      entry({ id: "act-1", name: "production", action: "update" }),
      entry({ id: "act-2", name: "dev" }),
      entry({ id: "act-2", name: "dev", action: "delete" }),
      entry({ id: "act-3", name: "qa", status: "failed" }),
      entry({ kind: "ProgrammaticUser", id: "pu-1", name: "ci" }),
      entry({ kind: "ProgrammaticUser", id: "pu-2", previousId: "pu-1", name: "ci", action: "replace" }),
      entry({ organization: "other", id: "act-9", name: "x" }),
    ]);
    expect(idx.known("o", "Account")).toEqual([{ id: "act-1", name: "production" }]);
    expect(idx.known("o", "ProgrammaticUser")).toEqual([{ id: "pu-2", name: "ci" }]);
    expect(idx.known("other", "Account")).toEqual([{ id: "act-9", name: "x" }]);
    expect(idx.known("o", "User")).toEqual([]);
  });
});

describe("the apply lock", () => {
  it("takes every organization's lock or none, and releases them", () => {
    const { dir } = tempDir();
    const held = lockOrganizations(dir, ["b"], "r-first");
    expect(JSON.parse(readFileSync(join(dir, "b.lock"), "utf8"))).toMatchObject({
      pid: process.pid,
      host: hostname(),
      runId: "r-first",
    });
    let err: unknown;
    try {
      lockOrganizations(dir, ["a", "b"], "r-second");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LockedError);
    expect((err as LockedError).holder).toMatchObject({ runId: "r-first" });
    expect((err as Error).message).toMatch(
      /^organization b is being applied by another run \(run r-first, pid \d+ on /,
    );
    // a's lock was taken and given back.
    expect(existsSync(join(dir, "a.lock"))).toBe(false);
    held();
    expect(existsSync(join(dir, "b.lock"))).toBe(false);
    const again = lockOrganizations(dir, ["a", "b"], "r-third");
    again();
    again();
  });

  it("an unreadable lock is not taken over; a name is made safe for a file name", () => {
    const { dir } = tempDir();
    writeFileSync(join(dir, "data_eu.lock"), "{torn");
    expect(() => lockOrganizations(dir, ["data/eu"], "r1")).toThrow(
      /^organization data\/eu is being applied by another run; nothing was changed/,
    );
  });
});

describe("saved plan files", () => {
  const plan: Plan = { file: "spot.yaml", orgs: [{ name: "o", entries: [], warnings: [], errors: [] }] };

  it("are read back as written, and refused when not a plan or from another version", () => {
    const { dir } = tempDir();
    const path = join(dir, "p.json");
    writeSavedPlan(path, toSavedPlan(plan, "spot.yaml", "sha256:x", true, ["User/a@example.com"]));
    expect(readSavedPlan(path)).toMatchObject({ file: "spot.yaml", replace: ["User/a@example.com"], version: VERSION });
    writeFileSync(path, JSON.stringify({ ...readSavedPlan(path), version: "0.0.0-old" }));
    expect(() => readSavedPlan(path)).toThrow(
      `${path} was made by spot-iac 0.0.0-old, this is ${VERSION}: plan again with this version`,
    );
    writeFileSync(path, JSON.stringify({ format: "terraform" }));
    expect(() => readSavedPlan(path)).toThrow(SavedPlanError);
    expect(() => readSavedPlan(join(dir, "none.json"))).toThrow(/^cannot read the saved plan .*none\.json/);
  });
});

describe("safeguards on a plan", () => {
  const e = (over: Partial<PlanEntry>): PlanEntry => ({
    key: `o/${over.kind}/${over.name}`,
    org: "o",
    kind: "User",
    name: "x",
    action: "noop",
    fields: [],
    deps: [],
    ...over,
  });
  const planOf = (...entries: PlanEntry[]): Plan => ({
    file: "f",
    orgs: [{ name: "o", entries, warnings: [], errors: [] }],
  });
  const deletes = (n: number) => Array.from({ length: n }, (_, i) => e({ name: `d${i}`, action: "delete" }));
  const noops = (n: number) => Array.from({ length: n }, (_, i) => e({ name: `n${i}` }));

  it("deletion limits: the count, the share from three deletions on, replacements counted, --allow-deletes", () => {
    const limits = DEFAULT_DELETE_LIMITS;
    expect(massDeletion(planOf(...deletes(10), ...noops(100)), limits)).toEqual([]);
    expect(massDeletion(planOf(...deletes(11), ...noops(100)), limits)[0]).toMatch(
      /deletes or replaces 11 objects, more than --max-deletes 10/,
    );
    // Two of two is 100%, but too few to be a mass deletion.
    expect(massDeletion(planOf(...deletes(2)), limits)).toEqual([]);
    expect(massDeletion(planOf(...deletes(3), ...noops(9)), limits)).toEqual([]);
    expect(massDeletion(planOf(...deletes(2), e({ name: "r", action: "replace" }), ...noops(8)), limits)[0]).toMatch(
      /3 of its 11 objects \(27%\), more than --max-delete-percent 25/,
    );
    // Entries that could not be planned count for nothing.
    expect(
      massDeletion(planOf(...deletes(3), ...noops(9), e({ name: "f", action: "delete", failed: true })), limits),
    ).toEqual([]);
    expect(massDeletion(planOf(...deletes(50)), { ...limits, allowed: true })).toEqual([]);
  });

  it("self access: by user id, e-mail (any case) or a programmatic user's name; creates and others' changes pass", () => {
    const attachment = e({
      kind: "UserAttachment",
      name: "prod/me@example.com",
      action: "delete",
      id: "act-1/u-me",
      live: { accountId: "act-1", userId: "u-me", userEmail: "Me@Example.com" },
    });
    const pu = e({ kind: "ProgrammaticUser", name: "ci", action: "replace", id: "pu-1", live: { name: "ci" } });
    const group = e({
      kind: "UserGroup",
      name: "ops",
      action: "update",
      id: "ugr-1",
      live: { userIds: ["u-me", "u-other"] },
      plan: { changes: [{ field: "userIds", before: ["u-me", "u-other"], after: ["u-other"], mode: "update" }] } as any,
    });
    const p = planOf(attachment, pu, group, e({ kind: "ProgrammaticUser", name: "new", action: "create" }));
    const why = (self: object) => selfAccess(p, () => self).map((m) => m.replace(/;.*$/, ""));
    expect(why({ email: "me@example.com" })).toEqual([
      "organization o: UserAttachment prod/me@example.com: it detaches the token's own user from account act-1",
    ]);
    expect(why({ userId: "u-me" })).toEqual([
      "organization o: UserAttachment prod/me@example.com: it detaches the token's own user from account act-1",
      "organization o: UserGroup ops: it removes the token's own user from the group",
    ]);
    expect(why({ name: "ci" })).toEqual([
      "organization o: ProgrammaticUser ci: it replaces the user whose token runs this apply",
    ]);
    expect(why({ userId: "pu-1" })).toEqual([
      "organization o: ProgrammaticUser ci: it replaces the user whose token runs this apply",
    ]);
    expect(why({ email: "someone@example.com" })).toEqual([]);
    expect(selfAccess(p, () => undefined)).toEqual([]);
  });
});

describe("audit matching", () => {
  const ev = (resourceId: string, context: object) => ({
    resourceId,
    context: JSON.stringify(context),
    createdAt: "t",
    actionType: "x",
  });
  it("matches by id, composite id, or a create's name", () => {
    expect(eventMatches(entry({ id: "act-1" }), ev("act-1", {}))).toBe(true);
    expect(eventMatches(entry({ id: "act-1", action: "update" }), ev("", { url: "/setup/account/act-1" }))).toBe(true);
    expect(eventMatches(entry({ id: "act-1", action: "update" }), ev("act-2", { url: "/setup/account/act-2" }))).toBe(
      false,
    );
    const att = entry({ kind: "UserAttachment", id: "act-1/u-9", name: "prod/alice@example.com", action: "update" });
    expect(
      eventMatches(att, ev("act-1", { url: "/setup/account/act-1/user", body: { userEmail: "alice@example.com" } })),
    ).toBe(true);
    expect(
      eventMatches(att, ev("act-1", { url: "/setup/account/act-1/user", body: { userEmail: "bob@example.com" } })),
    ).toBe(false);
    expect(eventMatches(entry({ id: "act-7" }), ev("", { body: { account: { name: "prod" } } }))).toBe(true);
  });

  it("reports missing changes, failed ones apart, and unexplained events", () => {
    const r = reconcile(
      [
        entry({ id: "act-1" }),
        entry({ id: "act-2", name: "dev" }),
        entry({ id: "act-3", name: "x", status: "failed", error: "503" }),
        entry({ id: "act-4", name: "aws", action: "forget" }),
      ],
      [ev("act-1", {}), ev("act-9", {})],
    );
    expect(r.missing.map((e) => e.id)).toEqual(["act-2"]);
    expect(r.failed.map((e) => e.id)).toEqual(["act-3"]);
    expect(r.unexplained.map((e) => e.resourceId)).toEqual(["act-9"]);
    expect(r.lines.map((l) => [l.entry.id, l.events.length])).toEqual([
      ["act-1", 1],
      ["act-2", 0],
      ["act-4", 0],
    ]);
  });
});
