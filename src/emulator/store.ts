import type BetterSqlite3 from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startCheckpointer, type Checkpointer } from "./checkpointer";
import type { AuditEvent, Kind, KindMap, Membership, OrgRole, UserGroup } from "./model";
import { hexId } from "./ids";

/**
 * better-sqlite3 is an optional dependency of the package (only the emulator needs it): required on first use, with
 * an error that says how to get it when it was left out (`npm install --omit=optional`).
 */
function sqlite(): typeof BetterSqlite3 {
  try {
    return require("better-sqlite3");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw e;
    throw new Error(
      "the Spot API emulator needs the optional dependency better-sqlite3, which is not installed; install it " +
        "(npm install better-sqlite3@12) or install spot-iac without --omit=optional",
    );
  }
}

/**
 * SQLite store. Objects live as JSON documents in one table keyed by (kind, id) with their organization,
 * in creation order (`seq` gives "the oldest account"). Every request runs inside one transaction
 * (see server.ts), so a process killed mid-request leaves the previous consistent state; WAL +
 * synchronous=NORMAL survives a process kill with nothing lost (only an OS crash may drop the last commits).
 *
 * Parsed objects are cached (see ObjectCache below) so that a route's cost does not grow with the organization:
 * SQLite stays the source of truth, every write goes to SQLite and the cache together, and a rolled-back
 * transaction evicts what it touched. Three ways to read:
 * - get / getInOrg: a private, mutable copy (parsed from the stored text) for handlers that change it;
 * - peek / peekInOrg / list / first / groupsOf: the shared cached object, frozen: read it, never change it.
 */
const SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS objects_kind_id ON objects(kind, id);
CREATE INDEX IF NOT EXISTS objects_org_kind ON objects(org_id, kind, seq);
CREATE TABLE IF NOT EXISTS memberships (
  seq INTEGER PRIMARY KEY,
  user_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  role TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS memberships_user_org ON memberships(user_id, org_id);
CREATE INDEX IF NOT EXISTS memberships_org ON memberships(org_id, seq);
CREATE INDEX IF NOT EXISTS memberships_org_role ON memberships(org_id, role);
CREATE TABLE IF NOT EXISTS tokens (
  hash TEXT PRIMARY KEY,
  token_id INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  name TEXT NOT NULL,
  last_digits TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_user ON tokens(user_id, org_id);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY,
  org_id TEXT NOT NULL,
  account_id TEXT,
  created_ms INTEGER NOT NULL,
  status INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_org_time ON audit(org_id, created_ms);
`;

/** One stored object: its text as in SQLite and, once someone peeked at it, the frozen parsed object. */
interface Entry {
  kind: Kind;
  id: string;
  orgId: string;
  seq: number;
  text: string;
  obj?: unknown;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === "object" && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

const key = (kind: string, id: string) => `${kind}\u0000${id}`;

/**
 * Parsed objects by (kind, id), and complete per-(kind, organization) buckets in creation order, filled on first
 * use and kept up to date by every write. Users are indexed by e-mail and by the accounts and policies their
 * mappings name, kept up to date incrementally; group memberships are rebuilt when the organization's groups change
 * (`version`). Rolling back evicts the touched entries and buckets, so the next
 * read reloads them from SQLite as the rollback left it.
 */
class ObjectCache {
  readonly entries = new Map<string, Entry>();
  /** Complete buckets only: bucket key → (id → entry), in seq order (Map keeps insertion order). */
  readonly buckets = new Map<string, Map<string, Entry>>();
  private readonly versions = new Map<string, number>();
  private userTerms: Map<string, Set<string>> | undefined;
  private readonly groupIndex = new Map<string, { version: number; byUser: Map<string, UserGroup[]> }>();

  version(kind: Kind, orgId: string): number {
    return this.versions.get(key(kind, orgId)) ?? 0;
  }

  private bump(kind: Kind, orgId: string): void {
    const k = key(kind, orgId);
    this.versions.set(k, (this.versions.get(k) ?? 0) + 1);
  }

  put(e: Entry, previous: Entry | undefined): void {
    this.entries.set(key(e.kind, e.id), e);
    this.buckets.get(key(e.kind, e.orgId))?.set(e.id, e); // an existing id keeps its place
    this.bump(e.kind, e.orgId);
    if (e.kind === "user" && this.userTerms) {
      if (previous) this.unindexUser(previous);
      this.indexUser(e);
    }
  }

  drop(kind: Kind, id: string, orgId: string): void {
    const k = key(kind, id);
    const previous = this.entries.get(k);
    this.entries.delete(k);
    this.buckets.get(key(kind, orgId))?.delete(id);
    this.bump(kind, orgId);
    if (kind === "user" && this.userTerms && previous) this.unindexUser(previous);
  }

  /** After a rollback: forget what the transaction touched; SQLite has the truth. */
  evict(touched: { kind: Kind; id: string; orgId: string }[]): void {
    for (const t of touched) {
      this.entries.delete(key(t.kind, t.id));
      this.buckets.delete(key(t.kind, t.orgId));
      this.bump(t.kind, t.orgId);
      if (t.kind === "user") this.userTerms = undefined;
    }
  }

  clear(): void {
    this.entries.clear();
    this.buckets.clear();
    this.groupIndex.clear();
    this.userTerms = undefined;
    // Versions only grow, so that no derived index built before the clear can look current after it.
    for (const k of [...this.versions.keys()]) this.versions.set(k, (this.versions.get(k) ?? 0) + 1);
  }

  /**
   * What a user is found by without scanning every user: its e-mail (personal users, lower case), the accounts
   * its mappings name and the policies it is mapped to. Kept as "kind:value" terms.
   */
  private static terms(e: Entry): string[] {
    const u = (e.obj ?? JSON.parse(e.text)) as KindMap["user"];
    const out = new Set<string>();
    if (u.type === "personal" && u.email) out.add(`email:${u.email.toLowerCase()}`);
    for (const [acc, m] of Object.entries(u.accounts)) {
      out.add(`account:${acc}`);
      for (const id of m.policyIds ?? []) out.add(`policy:${id}`);
    }
    for (const p of u.policies) {
      out.add(`policy:${p.policyId}`);
      for (const acc of p.accountIds) out.add(`account:${acc}`);
    }
    return [...out];
  }

  private indexUser(e: Entry): void {
    for (const t of ObjectCache.terms(e)) {
      const ids = this.userTerms!.get(t);
      if (ids) ids.add(e.id);
      else this.userTerms!.set(t, new Set([e.id]));
    }
  }

  private unindexUser(e: Entry): void {
    for (const t of ObjectCache.terms(e)) {
      const ids = this.userTerms!.get(t);
      ids?.delete(e.id);
      if (ids?.size === 0) this.userTerms!.delete(t);
    }
  }

  /** Ids of the users (any organization) with this term, from an index built once and kept up to date. */
  usersWith(term: string, allUsers: () => Map<string, Entry>): string[] {
    if (!this.userTerms) {
      this.userTerms = new Map();
      for (const e of allUsers().values()) this.indexUser(e);
    }
    return [...(this.userTerms.get(term) ?? [])];
  }

  groupsByUser(orgId: string, groups: () => UserGroup[]): Map<string, UserGroup[]> {
    const version = this.version("group", orgId);
    const hit = this.groupIndex.get(orgId);
    if (hit && hit.version === version) return hit.byUser;
    const byUser = new Map<string, UserGroup[]>();
    for (const g of groups()) {
      for (const u of g.userIds) {
        const list = byUser.get(u);
        if (list) list.push(g);
        else byUser.set(u, [g]);
      }
    }
    this.groupIndex.set(orgId, { version, byUser });
    return byUser;
  }
}

export interface TokenRow {
  tokenId: number;
  userId: string;
  orgId: string;
  name: string;
  lastDigits: string;
  createdAt: string;
}

export class Store {
  readonly db: BetterSqlite3.Database;
  private readonly s: ReturnType<Store["prepare"]>;
  private checkpointer: Checkpointer | undefined;
  private writesSinceCheckpoint = 0;
  private readonly runTx: BetterSqlite3.Transaction<(fn: () => unknown) => unknown>;
  /** Bumped whenever users, memberships or tokens change: auth caches compare it (see auth.ts). */
  authGeneration = 0;
  private readonly cache = new ObjectCache();
  /** Objects written by the open transaction (evicted from the cache if it rolls back). */
  private readonly touched: { kind: Kind; id: string; orgId: string }[] = [];
  private depth = 0;

  constructor(dataDir?: string) {
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      const file = join(dataDir, "spot-emulator.db");
      this.db = new (sqlite())(file);
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("busy_timeout = 5000");
      this.db.pragma("cache_size = -16000");
      this.db.pragma("journal_size_limit = 67108864");
      // Checkpoints run in a worker thread (see checkpointer.ts), not inside requests.
      this.db.pragma("wal_autocheckpoint = 0");
      this.checkpointer = startCheckpointer(file);
    } else {
      this.db = new (sqlite())(":memory:");
    }
    this.db.exec(DDL);
    const version = this.db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get() as string | undefined;
    if (version === undefined) {
      this.db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
    } else if (Number(version) !== SCHEMA_VERSION) {
      throw new Error(`emulator store schema ${version} is not supported (expected ${SCHEMA_VERSION})`);
    }
    this.s = this.prepare();
    this.runTx = this.db.transaction((fn: () => unknown) => fn());
  }

  private prepare() {
    const db = this.db;
    return {
      exists: db.prepare("SELECT 1 FROM objects WHERE kind = ? AND id = ?").pluck(),
      get: db.prepare("SELECT seq, org_id AS orgId, data FROM objects WHERE kind = ? AND id = ?"),
      list: db.prepare("SELECT seq, id, data FROM objects WHERE org_id = ? AND kind = ? ORDER BY seq"),
      listKind: db.prepare("SELECT data FROM objects WHERE kind = ? ORDER BY seq").pluck(),
      insert: db.prepare("INSERT INTO objects (kind, id, org_id, data) VALUES (?, ?, ?, ?)"),
      update: db.prepare("UPDATE objects SET data = ? WHERE kind = ? AND id = ? RETURNING seq, org_id AS orgId"),
      remove: db.prepare("DELETE FROM objects WHERE kind = ? AND id = ? RETURNING org_id AS orgId"),
      removeOrgObjects: db.prepare("DELETE FROM objects WHERE org_id = ?"),
      getMeta: db.prepare("SELECT value FROM meta WHERE key = ?").pluck(),
      setMeta: db.prepare(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      ),
      addMember: db.prepare(
        "INSERT INTO memberships (user_id, org_id, role) VALUES (?, ?, ?) ON CONFLICT(user_id, org_id) DO UPDATE SET role = excluded.role",
      ),
      getMember: db.prepare(
        "SELECT user_id AS userId, org_id AS orgId, role FROM memberships WHERE user_id = ? AND org_id = ?",
      ),
      orgMembers: db.prepare(
        "SELECT user_id AS userId, org_id AS orgId, role FROM memberships WHERE org_id = ? ORDER BY seq",
      ),
      orgAdmins: db
        .prepare("SELECT user_id FROM memberships WHERE org_id = ? AND role = 'admin' ORDER BY seq LIMIT ?")
        .pluck(),
      userMemberships: db.prepare("SELECT user_id AS userId, org_id AS orgId, role FROM memberships WHERE user_id = ?"),
      removeMember: db.prepare("DELETE FROM memberships WHERE user_id = ? AND org_id = ?"),
      removeOrgMembers: db.prepare("DELETE FROM memberships WHERE org_id = ?"),
      addToken: db.prepare(
        "INSERT INTO tokens (hash, token_id, user_id, org_id, name, last_digits, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ),
      findToken: db.prepare(
        "SELECT token_id AS tokenId, user_id AS userId, org_id AS orgId, name, last_digits AS lastDigits, created_at AS createdAt FROM tokens WHERE hash = ?",
      ),
      userTokens: db.prepare(
        "SELECT token_id AS tokenId, user_id AS userId, org_id AS orgId, name, last_digits AS lastDigits, created_at AS createdAt FROM tokens WHERE user_id = ? AND org_id = ? ORDER BY token_id",
      ),
      removeUserTokens: db.prepare("DELETE FROM tokens WHERE user_id = ? AND org_id = ?"),
      removeOrgTokens: db.prepare("DELETE FROM tokens WHERE org_id = ?"),
      addAudit: db.prepare("INSERT INTO audit (org_id, account_id, created_ms, status, data) VALUES (?, ?, ?, ?, ?)"),
      queryAudit: db
        .prepare(
          `SELECT data FROM audit WHERE org_id = @org AND created_ms >= @from AND created_ms <= @to
         AND (@account IS NULL OR account_id = @account) AND (@all = 1 OR status = 200) ORDER BY seq`,
        )
        .pluck(),
      removeOrgAudit: db.prepare("DELETE FROM audit WHERE org_id = ?"),
    };
  }

  /** Runs fn in one IMMEDIATE transaction; a throw rolls everything back, in SQLite and in the cache. */
  tx<T>(fn: () => T): T {
    const mark = this.touched.length;
    this.depth++;
    let result: T;
    try {
      result = this.runTx.immediate(fn) as T;
    } catch (e) {
      this.cache.evict(this.touched.splice(mark));
      throw e;
    } finally {
      this.depth--;
    }
    if (this.depth === 0) this.touched.length = 0;
    // Under sustained writes the worker's passive checkpoints never see an idle moment to let the WAL restart;
    // finishing one here now and then (little is left to copy) keeps the WAL file bounded.
    if (this.checkpointer && ++this.writesSinceCheckpoint >= 500) {
      this.writesSinceCheckpoint = 0;
      this.db.pragma("wal_checkpoint(PASSIVE)");
    }
    return result;
  }

  private entry(kind: Kind, id: string): Entry | undefined {
    const hit = this.cache.entries.get(key(kind, id));
    if (hit) return hit;
    const row = this.s.get.get(kind, id) as { seq: number; orgId: string; data: string } | undefined;
    if (!row) return undefined;
    const e: Entry = { kind, id, orgId: row.orgId, seq: row.seq, text: row.data };
    this.cache.entries.set(key(kind, id), e);
    return e;
  }

  private static view<K extends Kind>(e: Entry): KindMap[K] {
    e.obj ??= deepFreeze(JSON.parse(e.text));
    return e.obj as KindMap[K];
  }

  private bucket(kind: Kind, orgId: string): Map<string, Entry> {
    const k = key(kind, orgId);
    let b = this.cache.buckets.get(k);
    if (b) return b;
    b = new Map();
    for (const row of this.s.list.all(orgId, kind) as { seq: number; id: string; data: string }[]) {
      const known = this.cache.entries.get(key(kind, row.id));
      const e = known ?? { kind, id: row.id, orgId, seq: row.seq, text: row.data };
      if (!known) this.cache.entries.set(key(kind, row.id), e);
      b.set(row.id, e);
    }
    this.cache.buckets.set(k, b);
    return b;
  }

  /** A private copy the caller may change (and write back with update). */
  get<K extends Kind>(kind: K, id: string): KindMap[K] | undefined {
    const e = this.entry(kind, id);
    return e === undefined ? undefined : (JSON.parse(e.text) as KindMap[K]);
  }

  getInOrg<K extends Kind>(kind: K, orgId: string, id: string): KindMap[K] | undefined {
    const e = this.entry(kind, id);
    return e === undefined || e.orgId !== orgId ? undefined : (JSON.parse(e.text) as KindMap[K]);
  }

  /** The shared cached object (frozen): for reading only. */
  peek<K extends Kind>(kind: K, id: string): KindMap[K] | undefined {
    const e = this.entry(kind, id);
    return e === undefined ? undefined : Store.view<K>(e);
  }

  peekInOrg<K extends Kind>(kind: K, orgId: string, id: string): KindMap[K] | undefined {
    const e = this.entry(kind, id);
    return e === undefined || e.orgId !== orgId ? undefined : Store.view<K>(e);
  }

  /** All objects of a kind in an organization, oldest first (frozen, shared: copy before changing one). */
  list<K extends Kind>(kind: K, orgId: string): KindMap[K][] {
    const out: KindMap[K][] = [];
    for (const e of this.bucket(kind, orgId).values()) out.push(Store.view<K>(e));
    return out;
  }

  /** The oldest object of a kind in an organization (frozen), without listing the others. */
  first<K extends Kind>(kind: K, orgId: string): KindMap[K] | undefined {
    const e = this.bucket(kind, orgId).values().next();
    return e.done ? undefined : Store.view<K>(e.value);
  }

  /** The objects of `ids` that exist in the organization, oldest first (frozen). */
  inOrder<K extends Kind>(kind: K, orgId: string, ids: Iterable<string>): KindMap[K][] {
    const found: Entry[] = [];
    for (const id of ids) {
      const e = this.entry(kind, id);
      if (e && e.orgId === orgId) found.push(e);
    }
    return found.sort((a, b) => a.seq - b.seq).map((e) => Store.view<K>(e));
  }

  listAll<K extends Kind>(kind: K): KindMap[K][] {
    return (this.s.listKind.all(kind) as string[]).map((d) => JSON.parse(d) as KindMap[K]);
  }

  /** Ids of the personal users with this e-mail (any organization, any case). */
  userIdsByEmail(email: string): string[] {
    return this.cache.usersWith(`email:${email.toLowerCase()}`, () => this.bucket("user", "*"));
  }

  /** Ids of the users (any organization) whose mappings name this account or this policy. */
  usersReferring(what: "account" | "policy", id: string): string[] {
    return this.cache.usersWith(`${what}:${id}`, () => this.bucket("user", "*"));
  }

  /** The groups of an organization that a user belongs to (frozen). */
  groupsOf(orgId: string, userId: string): UserGroup[] {
    return this.cache.groupsByUser(orgId, () => this.list("group", orgId)).get(userId) ?? [];
  }

  /** A random Spot-shaped id (`act-1a2b3c4d`) not yet used by an object of this kind: 8 hex digits do collide. */
  newId(kind: Kind, prefix: string): string {
    for (;;) {
      const id = hexId(prefix);
      if (!this.cache.entries.has(key(kind, id)) && this.s.exists.get(kind, id) === undefined) return id;
    }
  }

  private wrote(kind: Kind, id: string, orgId: string): void {
    if (kind === "user") this.authGeneration++;
    if (this.depth > 0) this.touched.push({ kind, id, orgId });
  }

  insert<K extends Kind>(kind: K, orgId: string, obj: KindMap[K] & { id: string }): void {
    const text = JSON.stringify(obj);
    const info = this.s.insert.run(kind, obj.id, orgId, text);
    this.wrote(kind, obj.id, orgId);
    this.cache.put({ kind, id: obj.id, orgId, seq: Number(info.lastInsertRowid), text }, undefined);
  }

  update<K extends Kind>(kind: K, obj: KindMap[K] & { id: string }): void {
    const text = JSON.stringify(obj);
    const row = this.s.update.get(text, kind, obj.id) as { seq: number; orgId: string } | undefined;
    if (!row) return;
    this.wrote(kind, obj.id, row.orgId);
    const previous = this.cache.entries.get(key(kind, obj.id));
    this.cache.put({ kind, id: obj.id, orgId: row.orgId, seq: row.seq, text }, previous);
  }

  remove(kind: Kind, id: string): void {
    const row = this.s.remove.get(kind, id) as { orgId: string } | undefined;
    if (!row) return;
    this.wrote(kind, id, row.orgId);
    this.cache.drop(kind, id, row.orgId);
  }

  /** Monotonic counters kept in `meta` (token ids, legacy numeric user ids). */
  nextCounter(name: string): number {
    const current = Number((this.s.getMeta.get(`counter:${name}`) as string | undefined) ?? "0");
    const next = current + 1;
    this.s.setMeta.run(`counter:${name}`, String(next));
    return next;
  }

  setMembership(userId: string, orgId: string, role: OrgRole | null): void {
    this.authGeneration++;
    this.s.addMember.run(userId, orgId, role);
  }

  membership(userId: string, orgId: string): Membership | undefined {
    return this.s.getMember.get(userId, orgId) as Membership | undefined;
  }

  members(orgId: string): Membership[] {
    return this.s.orgMembers.all(orgId) as Membership[];
  }

  /** Up to `limit` admins of an organization, oldest first. */
  admins(orgId: string, limit: number): string[] {
    return this.s.orgAdmins.all(orgId, limit) as string[];
  }

  membershipsOf(userId: string): Membership[] {
    return this.s.userMemberships.all(userId) as Membership[];
  }

  removeMembership(userId: string, orgId: string): void {
    this.authGeneration++;
    this.s.removeMember.run(userId, orgId);
    this.s.removeUserTokens.run(userId, orgId);
  }

  addToken(hash: string, row: TokenRow): void {
    this.authGeneration++;
    this.s.addToken.run(hash, row.tokenId, row.userId, row.orgId, row.name, row.lastDigits, row.createdAt);
  }

  findToken(hash: string): TokenRow | undefined {
    return this.s.findToken.get(hash) as TokenRow | undefined;
  }

  tokensOf(userId: string, orgId: string): TokenRow[] {
    return this.s.userTokens.all(userId, orgId) as TokenRow[];
  }

  addAudit(e: AuditEvent): void {
    this.s.addAudit.run(e.orgId, e.accountId, e.createdMs, e.responseStatus, JSON.stringify(e));
  }

  queryAudit(orgId: string, from: number, to: number, accountId: string | null, all: boolean): AuditEvent[] {
    const rows = this.s.queryAudit.all({ org: orgId, from, to, account: accountId, all: all ? 1 : 0 }) as string[];
    return rows.map((r) => JSON.parse(r) as AuditEvent);
  }

  /** Removes an organization and everything it owns (objects, memberships, tokens, audit). */
  removeOrganization(orgId: string): void {
    this.authGeneration++;
    // Rare: forget every cached object rather than track which ones belonged to the organization.
    this.cache.clear();
    this.s.removeOrgObjects.run(orgId);
    this.s.removeOrgMembers.run(orgId);
    this.s.removeOrgTokens.run(orgId);
    this.s.removeOrgAudit.run(orgId);
  }

  /** Drops every cached object (tests use it to check that what the cache serves is what SQLite holds). */
  dropCache(): void {
    this.cache.clear();
  }

  isEmpty(): boolean {
    return this.db.prepare("SELECT COUNT(*) FROM objects").pluck().get() === 0;
  }

  reset(): void {
    this.authGeneration++;
    this.cache.clear();
    this.tx(() => {
      for (const t of ["objects", "memberships", "tokens", "audit"]) this.db.exec(`DELETE FROM ${t}`);
      this.db.exec("DELETE FROM meta WHERE key LIKE 'counter:%'");
    });
  }

  /** Stops the checkpoint worker, then closes (the last connection's close checkpoints the WAL). */
  async close(): Promise<void> {
    await this.checkpointer?.stop();
    this.checkpointer = undefined;
    if (this.db.open) this.db.close();
  }
}
