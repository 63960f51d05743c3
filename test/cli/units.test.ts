import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { eventMatches, reconcile } from "../../src/cli/gitops/audit";
import type { JournalEntry } from "../../src/cli/gitops/journal";
import { Journal, SecretIndex } from "../../src/cli/gitops/journal";
import { Progress } from "../../src/cli/gitops/progress";
import { limiter, newRunId, scrub } from "../../src/cli/gitops/util";
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
    expect(newRunId(new Date("2025-06-01T12:34:56.789Z"))).toMatch(/^r20250601T123456Z-[0-9a-f]{6}$/);
  });
  it("scrub hides known secrets", () => {
    expect(scrub("bad secret hunter22 here", ["hunter22", "ab"])).toBe("bad secret (secret) here");
  });
});

describe("progress", () => {
  it("draws only when enabled, and clears its line", async () => {
    let out = "";
    const p = new Progress(true, (s) => void (out += s), "Planning", 0);
    p.start(3);
    p.tick();
    await new Promise((r) => setTimeout(r, 30));
    p.stop();
    expect(out).toMatch(/Planning 1\/3/);
    expect(out.endsWith("\r\x1b[K")).toBe(true);
    let quiet = "";
    const q = new Progress(false, (s) => void (quiet += s), "Planning", 0);
    q.start(3);
    await new Promise((r) => setTimeout(r, 30));
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
    const idx = new SecretIndex(all);
    expect(idx.get("User", "u-1")).toEqual({ password: "scrypt:b" });
    expect(idx.get("User", "u-2")).toEqual({});
    expect(idx.get("User", "u-3")).toEqual({});
    tmp.cleanup();
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
