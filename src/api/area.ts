/** Small helpers shared by the area modules. */
import { NotFoundError, ServerError, ValidationError } from "./errors";
import type { Method } from "./transport";

/** Options of a creating call. */
export interface CreateOptions<T> {
  /**
   * "Find what I may already have created": asked after an ambiguous failure (5xx, reset, timeout) before the
   * POST is sent again. Without it such a POST is not retried, so a committed-but-unanswered create never
   * produces a duplicate.
   */
  findExisting?: () => Promise<T | undefined>;
}

/** Reject bad input before any API call, naming the operation, the field and the fix. */
export function need(method: Method, route: string, field: string, ok: boolean, what: string, got?: unknown): void {
  if (ok) return;
  throw new ValidationError({
    method,
    path: route,
    code: "CLIENT_VALIDATION",
    field,
    spotMessage: `${field} ${what}${arguments.length > 5 ? `; got ${JSON.stringify(got)}` : ""}`,
    hint: `fix ${field} (checked before calling Spot)`,
  });
}

export function isNonEmptyString(v: unknown): v is string {
  return typeof v === "string" && v.trim() !== "";
}

export function needString(method: Method, route: string, field: string, v: unknown): void {
  need(method, route, field, isNonEmptyString(v), "is required and must be a non-empty string", v);
}

/** Spot's rule for organization and account names. */
export function needLetter(method: Method, route: string, field: string, v: unknown): void {
  needString(method, route, field, v);
  need(method, route, field, /[A-Za-z]/.test(v as string), "must contain at least one letter a-z or A-Z", v);
}

/** Spot's rule for user, programmatic user and group names. */
export function needNoSpecial(method: Method, route: string, field: string, v: unknown): void {
  needString(method, route, field, v);
  need(method, route, field, !/[+=@]/.test(v as string), "cannot contain the characters + = @", v);
}

export function needArray(method: Method, route: string, field: string, v: unknown, nonEmpty = false): void {
  need(
    method,
    route,
    field,
    Array.isArray(v) && (!nonEmpty || v.length > 0),
    nonEmpty ? "must be a non-empty list" : "must be a list",
    v,
  );
}

/** The single item a create answers with. */
export function created<T>(items: T[], method: Method, path: string): T {
  if (!items.length) {
    throw new ServerError({ method, path, status: 200, spotMessage: "Spot answered 200 without the created item" });
  }
  return items[0];
}

/** The single item of a read; an empty answer means the object is gone (as the Terraform provider reads it). */
export function single<T>(items: T[], method: Method, path: string, what: string): T {
  if (!items.length) {
    throw new NotFoundError({ method, path, spotMessage: `${what} not found (Spot returned no item)` });
  }
  return items[0];
}

export function notInList(method: Method, path: string, what: string): NotFoundError {
  return new NotFoundError({ method, path, spotMessage: `${what} is not in Spot's list` });
}

export function toStr(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

/**
 * Deep copy of a JSON value (what Spot answers). Not structuredClone: its arrays belong to Node's main realm,
 * so `instanceof Array` fails for callers running in another realm (a jest vm context, the Pulumi host).
 */
export function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v as Record<string, unknown>)) out[k] = cloneJson(e);
    return out as T;
  }
  return v;
}
