/**
 * The list cache: GET answers kept for `ttlMs`, tagged by collection, each list with its own indexes (by id, by
 * e-mail lower-cased, by name) so that N lookups cost N map reads instead of N scans and N copies of the list.
 *
 * Writes keep lists current instead of dropping them: a write names the cached lists it changes and how
 * (add the created item, replace the updated one, remove the deleted one); every other list of the collections it
 * touches is dropped. An item added from a create's answer may lack fields only the list carries (an account's
 * createdAt): it is marked partial, serves lookups by key, and a caller that needs the whole item or the whole list
 * gets it from Spot.
 *
 * Stored items are never handed out: callers get copies (of one item for a lookup), so no caller can corrupt
 * what the next one reads.
 */
import { cloneJson } from "./area";

/** How a list's items are keyed and indexed. */
export interface ListSpec {
  /** The item's id; items without one are kept but cannot be looked up or replaced by key. */
  key(item: unknown): string | undefined;
  /** Secondary indexes, e.g. `{ email: (u) => u.email?.toLowerCase() }`. Values need not be unique. */
  by?: Record<string, (item: unknown) => string | undefined>;
}

/** One cached list: items by key, insertion order kept, indexes built on first use and kept up to date. */
export class CachedList {
  private readonly items = new Map<string, unknown>();
  private readonly partialKeys = new Set<string>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private snapshot?: unknown[];
  private seq = 0;

  constructor(
    readonly spec: ListSpec | undefined,
    items: unknown[],
  ) {
    for (const it of items) this.items.set(this.keyOf(it) ?? `\u0000${this.seq++}`, it);
  }

  private keyOf(item: unknown): string | undefined {
    return this.spec?.key(item);
  }

  get size(): number {
    return this.items.size;
  }

  get hasPartial(): boolean {
    return this.partialKeys.size > 0;
  }

  /** The stored items, in order. Shared: read it, copy what you hand out. */
  all(): unknown[] {
    this.snapshot ??= [...this.items.values()];
    return this.snapshot;
  }

  /** The stored item with this key, if any. Shared. */
  get(key: string): unknown {
    return this.items.get(key);
  }

  isPartial(key: string): boolean {
    return this.partialKeys.has(key);
  }

  /** Items whose index `name` has `value`. Shared. */
  find(name: string, value: string): unknown[] {
    if (name === "key") {
      const it = this.items.get(value);
      return it === undefined ? [] : [it];
    }
    const keys = this.index(name).get(value);
    if (!keys) return [];
    const out: unknown[] = [];
    for (const k of keys) out.push(this.items.get(k));
    return out;
  }

  /** Keys of the items `find` would return. */
  findKeys(name: string, value: string): string[] {
    if (name === "key") return this.items.has(value) ? [value] : [];
    return [...(this.index(name).get(value) ?? [])];
  }

  private index(name: string): Map<string, Set<string>> {
    let idx = this.indexes.get(name);
    if (idx) return idx;
    const fn = this.spec?.by?.[name];
    if (!fn) throw new Error(`no index "${name}" on this list`);
    idx = new Map();
    for (const [k, it] of this.items) addTo(idx, fn(it), k);
    this.indexes.set(name, idx);
    return idx;
  }

  /** Add or replace an item (by key). `partial`: it lacks fields the list would carry. False without a key. */
  upsert(item: unknown, partial = false): boolean {
    const key = this.keyOf(item);
    if (key === undefined) return false;
    this.unindex(key);
    this.items.set(key, item);
    if (partial) this.partialKeys.add(key);
    else this.partialKeys.delete(key);
    for (const [name, idx] of this.indexes) addTo(idx, this.spec!.by![name](item), key);
    this.snapshot = undefined;
    return true;
  }

  /** Replace the item with `key` by `fn(copy of it)`; false when absent (the caller drops the list). */
  modify(key: string, fn: (item: Record<string, unknown>) => Record<string, unknown>): boolean {
    const it = this.items.get(key);
    if (it === undefined) return false;
    return this.upsert(fn(cloneJson(it) as Record<string, unknown>), this.partialKeys.has(key));
  }

  remove(key: string): void {
    if (!this.items.has(key)) return;
    this.unindex(key);
    this.items.delete(key);
    this.partialKeys.delete(key);
    this.snapshot = undefined;
  }

  private unindex(key: string): void {
    const old = this.items.get(key);
    if (old === undefined) return;
    for (const [name, idx] of this.indexes) {
      const v = this.spec!.by![name](old);
      if (v === undefined) continue;
      const set = idx.get(v);
      set?.delete(key);
      if (set && !set.size) idx.delete(v);
    }
  }
}

function addTo(idx: Map<string, Set<string>>, value: string | undefined, key: string): void {
  if (value === undefined) return;
  let set = idx.get(value);
  if (!set) idx.set(value, (set = new Set()));
  set.add(key);
}

export interface CacheEntry {
  fetchedAt: number;
  expires: number;
  tags: string[];
  list: CachedList;
}

/**
 * A change a successful write makes to one cached list (by request path). `apply` returns false when it cannot
 * tell the new content (the list is then dropped, as are lists of the write's collections that no patch names).
 */
export interface CachePatch {
  path: string;
  apply(list: CachedList): boolean;
}

export class ReadCache {
  private readonly entries = new Map<string, CacheEntry>();
  // Paths by tag: a write drops its collections' lists without scanning every cached list.
  private readonly byTag = new Map<string, Set<string>>();
  private readonly gens = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** A fresh-enough entry for `path`, or undefined (an expired one is dropped). */
  lookup(path: string, now: number, maxAgeMs?: number): CacheEntry | undefined {
    const hit = this.entries.get(path);
    if (!hit) return undefined;
    if (hit.expires <= now) {
      this.delete(path);
      return undefined;
    }
    if (maxAgeMs !== undefined && now - hit.fetchedAt > maxAgeMs) return undefined;
    return hit;
  }

  store(path: string, tags: string[], list: CachedList, now: number): void {
    if (!this.enabled || !tags.length) return;
    this.delete(path);
    this.entries.set(path, { fetchedAt: now, expires: now + this.ttlMs, tags, list });
    for (const t of tags) {
      let set = this.byTag.get(t);
      if (!set) this.byTag.set(t, (set = new Set()));
      set.add(path);
    }
  }

  private delete(path: string): void {
    const e = this.entries.get(path);
    if (!e) return;
    this.entries.delete(path);
    for (const t of e.tags) this.byTag.get(t)?.delete(path);
  }

  /**
   * Generation numbers of tags, bumped at each write's start and end: a FRESH read joins only a read in flight
   * whose snapshot is its own (no write began or ended in between).
   */
  snapshot(tags: string[]): number[] {
    return tags.map((t) => this.gens.get(t) ?? 0);
  }

  /** A write on these collections begins or ends (what reads in flight do about it: the transport's InFlight). */
  bump(tags: string[]): void {
    for (const t of tags) this.gens.set(t, (this.gens.get(t) ?? 0) + 1);
  }

  /** Drop every list of these collections, except the paths in `keep`. */
  drop(tags: string[], keep?: Set<string>): void {
    for (const t of tags) {
      const paths = this.byTag.get(t);
      if (!paths) continue;
      for (const p of [...paths]) if (!keep?.has(p)) this.delete(p);
    }
  }

  /** After a successful write: patch the lists it names, drop the other lists of its collections. */
  patch(tags: string[], patches: CachePatch[]): void {
    const kept = new Set<string>();
    for (const p of patches) {
      const e = this.entries.get(p.path);
      if (!e) continue;
      if (p.apply(e.list)) kept.add(p.path);
      else this.delete(p.path);
    }
    this.drop(tags, kept);
  }

  clear(): void {
    this.bump([...this.byTag.keys()]);
    this.entries.clear();
    this.byTag.clear();
  }
}
