/**
 * The run journal: one JSON line per change, appended as changes finish. It is the CLI's only memory:
 * the audit receipt reconciles it with Spot's audit log, and drift compares write-only secrets with the
 * hashes it recorded. It never holds a secret (hashes only; error texts are scrubbed).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";

export const DEFAULT_JOURNAL = ".spot-iac/journal.jsonl";

export interface JournalEntry {
  v: 1;
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
  /** Secret inputs as `sha256:…`: what drift compares write-only secrets with. */
  secretHashes?: Record<string, string>;
  status: "done" | "failed";
  error?: string;
}

export class Journal {
  constructor(readonly path: string) {}

  append(e: JournalEntry): void {
    mkdirSync(dirname(this.path), { recursive: true });
    // One write per line keeps concurrent appends from interleaving inside a line.
    appendFileSync(this.path, JSON.stringify(e) + "\n", { encoding: "utf8", mode: 0o600 });
  }

  read(): JournalEntry[] {
    if (!existsSync(this.path)) return [];
    const out: JournalEntry[] = [];
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

/** The secret hashes last recorded for each object, by `Kind/id`. */
export class SecretIndex {
  private byObject = new Map<string, Record<string, string>>();

  constructor(entries: JournalEntry[]) {
    for (const e of entries) {
      if (e.status !== "done" || !e.id) continue;
      const k = `${e.kind}/${e.id}`;
      if (e.action === "delete" || e.action === "forget") {
        this.byObject.delete(k);
        continue;
      }
      if (!e.secretHashes) continue;
      this.byObject.set(k, { ...(this.byObject.get(k) ?? {}), ...e.secretHashes });
    }
  }

  get(kind: string, id: string): Record<string, string> {
    return this.byObject.get(`${kind}/${id}`) ?? {};
  }
}
