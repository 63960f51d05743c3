/**
 * The run journal: one JSON line per change, appended as changes finish. It is the CLI's only memory: the audit
 * receipt reconciles it with Spot's audit log, plans compare write-only secrets with the hashes it recorded (it is
 * the GitOps front-end's SecretMemory), and a create that Spot completed only in part is continued with the id it
 * recorded. It never holds a secret (salted hashes only; error texts are scrubbed).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { SecretMemory } from "../../core";

export const DEFAULT_JOURNAL = ".spot-iac/journal.jsonl";

export interface JournalEntry {
  v: 1;
  type?: undefined;
  runId: string;
  /** When the change started and finished (ISO). */
  started: string;
  time: string;
  organization: string;
  organizationId?: string;
  tokenEnv: string;
  baseUrl?: string;
  kind: string;
  name: string;
  /** "forget": Spot has no DELETE for the kind; nothing was sent. */
  action: "create" | "update" | "replace" | "delete" | "forget";
  id?: string;
  previousId?: string;
  /** Names (engine field names) of the fields set or changed. */
  fields: string[];
  /** Secret inputs as salted scrypt hashes (`scrypt:…`): what plans compare write-only secrets with. */
  secretHashes?: Record<string, string>;
  /** partial: the object exists in Spot but its creation did not finish (the next run continues with `id`). */
  status: "done" | "failed" | "partial";
  error?: string;
}

/**
 * What one file manages in one organization, recorded at the end of each apply: the ids of every object it
 * declares, by kind. Prune deletes what a file's last inventory holds and the file no longer declares — never
 * objects another file manages, nor ones no file ever declared (unless the pipeline says --prune-unmanaged).
 */
export interface InventoryEntry {
  v: 1;
  type: "inventory";
  runId: string;
  time: string;
  /** The GitOps file, relative to its repository root: which file manages these. */
  file: string;
  organization: string;
  ids: Record<string, string[]>;
}

export class Journal {
  constructor(readonly path: string) {}

  appendInventory(e: InventoryEntry): void {
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, JSON.stringify(e) + "\n", { encoding: "utf8", mode: 0o600 });
  }

  /** The last inventory per (file, organization). */
  inventories(): InventoryEntry[] {
    const last = new Map<string, InventoryEntry>();
    for (const e of this.lines())
      if (e.type === "inventory") last.set(`${e.file}\u0000${e.organization}`, e as InventoryEntry);
    return [...last.values()];
  }

  append(e: JournalEntry): void {
    mkdirSync(dirname(this.path), { recursive: true });
    // One write per line keeps concurrent appends from interleaving inside a line.
    appendFileSync(this.path, JSON.stringify(e) + "\n", { encoding: "utf8", mode: 0o600 });
  }

  /** The changes journaled (inventories apart). */
  read(): JournalEntry[] {
    return this.lines().filter((e) => e.type !== "inventory") as JournalEntry[];
  }

  private lines(): (JournalEntry | InventoryEntry)[] {
    if (!existsSync(this.path)) return [];
    const out: (JournalEntry | InventoryEntry)[] = [];
    for (const line of readFileSync(this.path, "utf8").split("\n")) {
      if (!line.trim()) continue;
      try {
        const e = JSON.parse(line);
        if (e && e.v === 1 && typeof e.runId === "string") out.push(e);
      } catch {
        // A torn last line (a killed run) is skipped, not fatal.
      }
    }
    return out;
  }
}

/** What plans and applies need from the journal: the secret hashes of each object, and unfinished creates. */
export class JournalIndex {
  private hashes = new Map<string, Record<string, string>>();
  private partial = new Map<string, string>();
  /** `org/kind` → id → the name it was last journaled under (objects spot-iac created or changed, not deleted). */
  private names = new Map<string, Map<string, string>>();

  private managedIds = new Map<string, Set<string>>();

  constructor(entries: JournalEntry[] = [], inventories: InventoryEntry[] = []) {
    for (const e of entries) this.add(e);
    for (const inv of inventories)
      for (const [kind, ids] of Object.entries(inv.ids)) {
        const k = `${inv.file}\u0000${inv.organization}/${kind}`;
        this.managedIds.set(k, new Set([...(this.managedIds.get(k) ?? []), ...ids]));
      }
  }

  /** The ids this file's last inventory says it manages in the organization, for a kind. */
  managed(file: string, org: string, kind: string): ReadonlySet<string> {
    return this.managedIds.get(`${file}\u0000${org}/${kind}`) ?? new Set();
  }

  /** Files other than `file` whose last inventory holds this object. */
  managedElsewhere(file: string, org: string, kind: string, id: string): string[] {
    const out: string[] = [];
    for (const [k, ids] of this.managedIds) {
      const [f, rest] = k.split("\u0000");
      if (f !== file && rest === `${org}/${kind}` && ids.has(id)) out.push(f);
    }
    return out;
  }

  /** Take a new entry into account (the applier adds what it journals, so a run sees its own changes). */
  add(e: JournalEntry): void {
    const objKey = `${e.organization}/${e.kind}/${e.name}`;
    if (e.status === "partial" && e.id) this.partial.set(objKey, e.id);
    else if (e.status === "done") this.partial.delete(objKey);
    if (e.status === "failed" || !e.id) return;
    const k = `${e.kind}/${e.id}`;
    const byOrg = `${e.organization}/${e.kind}`;
    if (!this.names.has(byOrg)) this.names.set(byOrg, new Map());
    if (e.action === "delete" || e.action === "forget") {
      this.hashes.delete(k);
      this.names.get(byOrg)!.delete(e.id);
      return;
    }
    if (e.previousId) this.names.get(byOrg)!.delete(e.previousId);
    this.names.get(byOrg)!.set(e.id, e.name);
    if (!e.secretHashes) return;
    this.hashes.set(k, { ...(this.hashes.get(k) ?? {}), ...e.secretHashes });
  }

  /** The object's remembered hashes; what is set is collected in `recorded` for the next journal entry. */
  memory(kind: string, id: string): SecretMemory & { recorded: Record<string, string> } {
    const known = this.hashes.get(`${kind}/${id}`) ?? {};
    const recorded: Record<string, string> = {};
    return {
      recorded,
      get: (field) => recorded[field] ?? known[field],
      set: (field, hash) => {
        recorded[field] = hash;
      },
    };
  }

  /** The objects of this kind the journal knows in the organization (not deleted since), with their last names. */
  known(org: string, kind: string): { id: string; name: string }[] {
    return [...(this.names.get(`${org}/${kind}`) ?? new Map<string, string>())].map(([id, name]) => ({ id, name }));
  }

  /** The id of a create of this declared object that Spot completed only in part, if the journal has one. */
  unfinished(org: string, kind: string, name: string): string | undefined {
    return this.partial.get(`${org}/${kind}/${name}`);
  }
}
