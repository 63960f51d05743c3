/**
 * The store's parsed-object cache (src/emulator/store.ts): what it serves is what SQLite holds, a rolled-back
 * transaction leaves no trace in it, shared objects are frozen, and reset / organization removal clear it.
 * Unit tests on the Store itself; one temp folder for the file-backed cases, removed afterwards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Account, User, UserGroup } from "../../src/emulator/model";
import { Store } from "../../src/emulator/store";

const dir = mkdtempSync(join(tmpdir(), "spot-emu-cache-"));
const stores: Store[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(sub?: string): Store {
  const s = new Store(sub ? join(dir, sub) : undefined);
  stores.push(s);
  return s;
}

const account = (id: string, orgId = "606000000001", name = id): Account => ({
  id,
  orgId,
  name,
  createdAt: "2024-01-01T00:00:00.000Z",
  slackNotificationChannels: [],
  providerExternalId: null,
  cloudProvider: null,
  awsExternalId: null,
  aws: null,
  azure: null,
  azureTenant: null,
  gcp: null,
});
const user = (id: string, email: string): User => ({
  id,
  type: "personal",
  legacyId: 1,
  createdAt: "2024-01-01T00:00:00.000Z",
  email,
  firstName: "F",
  lastName: "L",
  mfa: false,
  policies: [],
  accounts: {},
});
const group = (id: string, userIds: string[], orgId = "606000000001"): UserGroup => ({
  id,
  orgId,
  name: id,
  description: "",
  createdAt: "2024-01-01T00:00:00.000Z",
  userIds,
  policies: [],
});
const ORG = "606000000001";

/** Everything a route can read, as plain data (for comparing two stores). */
function snapshot(s: Store) {
  return {
    accounts: s.list("account", ORG).map((a) => [a.id, a.name]),
    first: s.first("account", ORG)?.id,
    users: s.list("user", "*").map((u) => [u.id, u.email]),
    byEmail: ["a@x.io", "b@x.io", "c@x.io"].map((e) => s.userIdsByEmail(e).sort()),
    referring: ["act-1", "act-2", "act-5"].map((a) => s.usersReferring("account", a).sort()),
    referringPolicy: s.usersReferring("policy", "pol-1").sort(),
    groupsOfU1: s.groupsOf(ORG, "u-1").map((g) => g.id),
    groupsOfU2: s.groupsOf(ORG, "u-2").map((g) => g.id),
    peekA1: s.peek("account", "act-1")?.name,
    inOrder: s.inOrder("account", ORG, ["act-3", "act-1", "act-2"]).map((a) => a.id),
  };
}

function seed(s: Store): void {
  s.tx(() => {
    for (const id of ["act-1", "act-2", "act-3"]) s.insert("account", ORG, account(id));
    s.insert("user", "*", user("u-1", "a@x.io"));
    s.insert("user", "*", user("u-2", "b@x.io"));
    s.insert("group", ORG, group("ugr-1", ["u-1"]));
  });
}

test("a rolled-back transaction leaves no trace in what the store serves", () => {
  const s = open();
  seed(s);
  const before = snapshot(s);
  expect(() =>
    s.tx(() => {
      // Reads inside the transaction load the buckets with its own, uncommitted writes.
      s.insert("account", ORG, account("act-0"));
      const a1 = s.get("account", "act-1")!;
      a1.name = "renamed";
      s.update("account", a1);
      s.remove("account", "act-2");
      const u1 = s.get("user", "u-1")!;
      u1.email = "c@x.io";
      s.update("user", u1);
      s.insert("group", ORG, group("ugr-2", ["u-2"]));
      expect(snapshot(s)).not.toEqual(before);
      throw new Error("handler failed");
    }),
  ).toThrow("handler failed");
  expect(snapshot(s)).toEqual(before);
  s.dropCache();
  expect(snapshot(s)).toEqual(before);
});

test("a nested transaction that fails rolls back only its own writes", () => {
  const s = open();
  seed(s);
  s.tx(() => {
    s.insert("account", ORG, account("act-4"));
    expect(() =>
      s.tx(() => {
        s.insert("account", ORG, account("act-5"));
        throw new Error("inner");
      }),
    ).toThrow("inner");
  });
  expect(s.list("account", ORG).map((a) => a.id)).toEqual(["act-1", "act-2", "act-3", "act-4"]);
  s.dropCache();
  expect(s.list("account", ORG).map((a) => a.id)).toEqual(["act-1", "act-2", "act-3", "act-4"]);
});

test("shared objects are frozen; get gives a private copy", () => {
  const s = open();
  seed(s);
  const shared = s.peek("account", "act-1")!;
  expect(Object.isFrozen(shared)).toBe(true);
  expect(() => {
    (shared as { name: string }).name = "changed";
  }).toThrow(TypeError);
  expect(Object.isFrozen(s.list("group", ORG)[0].userIds)).toBe(true);
  const mine = s.get("account", "act-1")!;
  mine.name = "mine";
  expect(s.peek("account", "act-1")!.name).toBe("act-1");
  expect(s.get("account", "act-1")!.name).toBe("act-1");
});

test("indexes follow writes: e-mails, group memberships, creation order", () => {
  const s = open();
  seed(s);
  expect(s.userIdsByEmail("A@X.IO")).toEqual(["u-1"]);
  s.tx(() => {
    const u = s.get("user", "u-1")!;
    u.email = "c@x.io";
    s.update("user", u);
    const g = s.get("group", "ugr-1")!;
    g.userIds = ["u-2"];
    s.update("group", g);
    s.remove("account", "act-1");
    s.insert("account", ORG, account("act-9"));
  });
  expect(s.userIdsByEmail("a@x.io")).toEqual([]);
  expect(s.userIdsByEmail("c@x.io")).toEqual(["u-1"]);
  expect(s.groupsOf(ORG, "u-1")).toEqual([]);
  expect(s.groupsOf(ORG, "u-2").map((g) => g.id)).toEqual(["ugr-1"]);
  s.tx(() => {
    const u = s.get("user", "u-2")!;
    u.accounts = { "act-2": { permissionStrategy: "POLICY_BASED", policyIds: ["pol-1"] } };
    s.update("user", u);
  });
  expect(s.usersReferring("account", "act-2")).toEqual(["u-2"]);
  expect(s.usersReferring("policy", "pol-1")).toEqual(["u-2"]);
  expect(s.first("account", ORG)!.id).toBe("act-2");
  expect(s.list("account", ORG).map((a) => a.id)).toEqual(["act-2", "act-3", "act-9"]);
  s.tx(() => s.remove("user", "u-1"));
  expect(s.userIdsByEmail("c@x.io")).toEqual([]);
});

test("reset and organization removal clear the cache", () => {
  const s = open();
  seed(s);
  snapshot(s);
  s.tx(() => s.removeOrganization(ORG));
  expect(s.list("account", ORG)).toEqual([]);
  expect(s.peek("account", "act-1")).toBeUndefined();
  expect(s.groupsOf(ORG, "u-1")).toEqual([]);
  s.tx(() => s.insert("account", ORG, account("act-7")));
  expect(s.first("account", ORG)!.id).toBe("act-7");
  s.reset();
  expect(s.list("account", ORG)).toEqual([]);
  expect(s.peek("user", "u-1")).toBeUndefined();
  expect(s.userIdsByEmail("a@x.io")).toEqual([]);
});

test("random writes and rollbacks: the cache always answers as a fresh read of the SQLite file", () => {
  const s = open("random");
  seed(s);
  let seedValue = 42;
  const rand = (n: number) => {
    seedValue = (seedValue * 1103515245 + 12345) % 2 ** 31;
    return seedValue % n;
  };
  for (let step = 0; step < 300; step++) {
    const fail = rand(4) === 0;
    try {
      s.tx(() => {
        for (let k = 0; k < 1 + rand(3); k++) {
          const id = `act-${1 + rand(6)}`;
          const existing = s.get("account", id);
          const op = rand(3);
          if (!existing) s.insert("account", ORG, account(id, ORG, `n${step}`));
          else if (op === 0) s.remove("account", id);
          else s.update("account", { ...existing, name: `n${step}` });
          const u = s.get("user", rand(2) ? "u-1" : "u-2")!;
          u.email = ["a@x.io", "b@x.io", "c@x.io"][rand(3)];
          u.accounts = rand(2) ? { [id]: { permissionStrategy: "ROLE_BASED", role: "viewer" } } : {};
          u.policies = rand(2) ? [{ orgId: ORG, policyId: "pol-1", accountIds: [`act-${1 + rand(6)}`] }] : [];
          s.update("user", u);
          snapshot(s); // reads inside the transaction fill the cache
        }
        if (fail) throw new Error("rollback");
      });
    } catch (e) {
      if ((e as Error).message !== "rollback") throw e;
    }
    if (step % 60 === 0 || step === 299) {
      const fresh = open("random");
      expect(snapshot(s)).toEqual(snapshot(fresh));
    }
  }
});
