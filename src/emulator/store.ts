import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startCheckpointer, type Checkpointer } from "./checkpointer";
import type { AuditEvent, Kind, KindMap, Membership, OrgRole } from "./model";
import { hexId } from "./ids";

/**
 * SQLite store. Objects live as JSON documents in one table keyed by (kind, id) with their organization,
 * in creation order (`seq` gives "the oldest account"). Every request runs inside one transaction
 * (see server.ts), so a process killed mid-request leaves the previous consistent state; WAL +
 * synchronous=NORMAL survives a process kill with nothing lost (only an OS crash may drop the last commits).
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

export interface TokenRow {
  tokenId: number;
  userId: string;
  orgId: string;
  name: string;
  lastDigits: string;
  createdAt: string;
}

export class Store {
  readonly db: Database.Database;
  private readonly s: ReturnType<Store["prepare"]>;
  private checkpointer: Checkpointer | undefined;
  private writesSinceCheckpoint = 0;
  private readonly runTx: Database.Transaction<(fn: () => unknown) => unknown>;
  /** Bumped whenever users, memberships or tokens change: auth caches compare it (see auth.ts). */
  authGeneration = 0;

  constructor(dataDir?: string) {
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      const file = join(dataDir, "spot-emulator.db");
      this.db = new Database(file);
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("busy_timeout = 5000");
      this.db.pragma("cache_size = -16000");
      this.db.pragma("journal_size_limit = 67108864");
      // Checkpoints run in a worker thread (see checkpointer.ts), not inside requests.
      this.db.pragma("wal_autocheckpoint = 0");
      this.checkpointer = startCheckpointer(file);
    } else {
      this.db = new Database(":memory:");
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
      get: db.prepare("SELECT data FROM objects WHERE kind = ? AND id = ?").pluck(),
      getInOrg: db.prepare("SELECT data FROM objects WHERE kind = ? AND id = ? AND org_id = ?").pluck(),
      list: db.prepare("SELECT data FROM objects WHERE org_id = ? AND kind = ? ORDER BY seq").pluck(),
      listKind: db.prepare("SELECT data FROM objects WHERE kind = ? ORDER BY seq").pluck(),
      insert: db.prepare("INSERT INTO objects (kind, id, org_id, data) VALUES (?, ?, ?, ?)"),
      update: db.prepare("UPDATE objects SET data = ? WHERE kind = ? AND id = ?"),
      remove: db.prepare("DELETE FROM objects WHERE kind = ? AND id = ?"),
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

  /** Runs fn in one IMMEDIATE transaction; a throw rolls everything back. */
  tx<T>(fn: () => T): T {
    const result = this.runTx.immediate(fn) as T;
    // Under sustained writes the worker's passive checkpoints never see an idle moment to let the WAL restart;
    // finishing one here now and then (little is left to copy) keeps the WAL file bounded.
    if (this.checkpointer && ++this.writesSinceCheckpoint >= 500) {
      this.writesSinceCheckpoint = 0;
      this.db.pragma("wal_checkpoint(PASSIVE)");
    }
    return result;
  }

  get<K extends Kind>(kind: K, id: string): KindMap[K] | undefined {
    const data = this.s.get.get(kind, id) as string | undefined;
    return data === undefined ? undefined : (JSON.parse(data) as KindMap[K]);
  }

  getInOrg<K extends Kind>(kind: K, orgId: string, id: string): KindMap[K] | undefined {
    const data = this.s.getInOrg.get(kind, id, orgId) as string | undefined;
    return data === undefined ? undefined : (JSON.parse(data) as KindMap[K]);
  }

  /** All objects of a kind in an organization, oldest first. */
  list<K extends Kind>(kind: K, orgId: string): KindMap[K][] {
    return (this.s.list.all(orgId, kind) as string[]).map((d) => JSON.parse(d) as KindMap[K]);
  }

  listAll<K extends Kind>(kind: K): KindMap[K][] {
    return (this.s.listKind.all(kind) as string[]).map((d) => JSON.parse(d) as KindMap[K]);
  }

  /** A random Spot-shaped id (`act-1a2b3c4d`) not yet used by an object of this kind: 8 hex digits do collide. */
  newId(kind: Kind, prefix: string): string {
    for (;;) {
      const id = hexId(prefix);
      if (this.s.get.get(kind, id) === undefined) return id;
    }
  }

  insert<K extends Kind>(kind: K, orgId: string, obj: KindMap[K] & { id: string }): void {
    if (kind === "user") this.authGeneration++;
    this.s.insert.run(kind, obj.id, orgId, JSON.stringify(obj));
  }

  update<K extends Kind>(kind: K, obj: KindMap[K] & { id: string }): void {
    if (kind === "user") this.authGeneration++;
    this.s.update.run(JSON.stringify(obj), kind, obj.id);
  }

  remove(kind: Kind, id: string): void {
    if (kind === "user") this.authGeneration++;
    this.s.remove.run(kind, id);
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
    this.s.removeOrgObjects.run(orgId);
    this.s.removeOrgMembers.run(orgId);
    this.s.removeOrgTokens.run(orgId);
    this.s.removeOrgAudit.run(orgId);
  }

  isEmpty(): boolean {
    return this.db.prepare("SELECT COUNT(*) FROM objects").pluck().get() === 0;
  }

  reset(): void {
    this.authGeneration++;
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
