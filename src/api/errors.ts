/**
 * The client's error taxonomy. Every failure of a Spot call is a SpotApiError subclass whose message is one
 * readable line: method, path, status, Spot code, field, request id, and what to do. Messages pass through
 * redact(), so no secret ever appears in them.
 */
import { redact } from "./redact";

// Brands survive two copies of this module in one process (src and dist in tests, a host loading its own copy),
// where instanceof would not.
const NOT_FOUND_BRAND = Symbol.for("spot-iac.api.NotFoundError");
const API_ERROR_BRAND = Symbol.for("spot-iac.api.SpotApiError");
const UNREACHABLE_BRAND = Symbol.for("spot-iac.api.UnreachableError");

/** Code of a ValidationError raised by the client itself, before any request. */
export const CLIENT_VALIDATION = "CLIENT_VALIDATION";

/** One entry of Spot's `response.errors[]`. */
export interface SpotErrorItem {
  code: string;
  message: string;
  field?: string;
}

export type Frontend = "pulumi" | "terraform" | "cli" | "sdk";

export interface SpotApiErrorInit {
  method: string;
  path: string;
  status?: number;
  code?: string;
  field?: string;
  requestId?: string;
  /** Spot's own message (first error), or the network error's description. */
  spotMessage?: string;
  errors?: SpotErrorItem[];
  /** What the user should do; one sentence. Each subclass has a default. */
  hint?: string;
  /** How many attempts were made before giving up. */
  attempts?: number;
  elapsedMs?: number;
  /** Why retrying stopped, when it did ("retry budget of 60000 ms exhausted"). */
  gaveUp?: string;
}

export class SpotApiError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly code?: string;
  readonly field?: string;
  readonly requestId?: string;
  readonly spotMessage?: string;
  readonly errors: SpotErrorItem[];
  readonly hint: string;
  readonly attempts?: number;

  constructor(init: SpotApiErrorInit, defaultHint = "") {
    const safe = redact(init);
    const hint = safe.hint ?? defaultHint;
    super(formatLine(safe, hint));
    this.name = new.target.name;
    this.method = safe.method;
    this.path = safe.path;
    this.status = safe.status;
    this.code = safe.code;
    this.field = safe.field;
    this.requestId = safe.requestId;
    this.spotMessage = safe.spotMessage;
    this.errors = safe.errors ?? [];
    this.hint = hint;
    this.attempts = safe.attempts;
    Object.defineProperty(this, API_ERROR_BRAND, { value: true });
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

function formatLine(e: SpotApiErrorInit, hint: string): string {
  const parts: string[] = [`${e.method} ${e.path}:`];
  if (e.status) parts.push(String(e.status));
  if (e.code === CLIENT_VALIDATION) parts.push("(not sent)");
  else if (e.code && e.code !== String(e.status)) parts.push(e.code + (e.spotMessage ? ":" : ""));
  if (e.spotMessage) parts.push(oneLine(e.spotMessage));
  if (e.field) parts.push(`(field: ${e.field})`);
  if (e.requestId) parts.push(`(request: ${e.requestId})`);
  if (e.attempts && e.attempts > 1) {
    const secs = e.elapsedMs !== undefined ? ` over ${(e.elapsedMs / 1000).toFixed(1)}s` : "";
    parts.push(`[after ${e.attempts} attempts${secs}${e.gaveUp ? `; ${e.gaveUp}` : ""}]`);
  } else if (e.gaveUp) {
    parts.push(`[${e.gaveUp}]`);
  }
  let line = parts.join(" ");
  if (hint) line += ` — ${hint}`;
  return oneLine(line);
}

/** The object does not exist (Spot's `<Entity>_DOESNT_EXIST` codes, HTTP 404, or absent from a fresh list). */
export class NotFoundError extends SpotApiError {
  constructor(init: SpotApiErrorInit) {
    super(init, "the object does not exist (deleted outside spot-iac?); check the id");
    Object.defineProperty(this, NOT_FOUND_BRAND, { value: true });
  }
}
/** Spot rejected the input (HTTP 400 that is not a not-found code, 422), or the client did before calling. */
export class ValidationError extends SpotApiError {
  constructor(init: SpotApiErrorInit) {
    super(init, init.field ? `fix ${init.field} and try again` : "fix the request input and try again");
  }
}
/** HTTP 401: the token is missing, wrong, expired or revoked. */
export class AuthenticationError extends SpotApiError {
  constructor(init: SpotApiErrorInit) {
    super(init, "check SPOTINST_TOKEN / the credentials file: the token is missing, wrong or revoked");
  }
}
/** HTTP 403: the token's user may not do this. */
export class PermissionError extends SpotApiError {
  constructor(init: SpotApiErrorInit) {
    super(
      init,
      "the token's user lacks the permission for this call; use an organization admin token or grant the action",
    );
  }
}
/** HTTP 429 after the retry budget was used (or the wait Spot asks for exceeds the configured bounds). */
export class RateLimitedError extends SpotApiError {
  /** How long Spot asked to wait (Retry-After / X-RateLimit-Reset), when it said. */
  readonly retryAfterMs?: number;
  constructor(init: SpotApiErrorInit & { retryAfterMs?: number }) {
    super(init, "Spot's rate limit for this route was exceeded; lower concurrency or try again later");
    this.retryAfterMs = init.retryAfterMs;
  }
}
/** HTTP 409 or an "already exists" code. */
export class ConflictError extends SpotApiError {
  constructor(init: SpotApiErrorInit) {
    super(init, "the object already exists or was changed concurrently; refresh and try again");
  }
}
/** HTTP 5xx after retries. */
export class ServerError extends SpotApiError {
  constructor(init: SpotApiErrorInit) {
    super(init, "Spot failed to process the request; try again later (check status.spot.io)");
  }
}
/** No HTTP answer: connection refused or reset, DNS failure, timeout. */
export class NetworkError extends SpotApiError {
  constructor(init: SpotApiErrorInit) {
    super(init, "could not reach the Spot API; check the network and SPOTINST_BASE_URL");
  }
}

/**
 * Spot's API could not be reached at all (connection refused, DNS failure, host unreachable, connect timeout),
 * retries included. The client then fails its later requests at once with this error, without sending them,
 * until a request gets through or `failFastMs` has passed: one clear error instead of one slow timeout per object.
 */
export class UnreachableError extends NetworkError {
  constructor(init: SpotApiErrorInit) {
    super(init);
    Object.defineProperty(this, UNREACHABLE_BRAND, { value: true });
  }
}

/** True for UnreachableError (also across duplicate module copies). */
export function isUnreachable(err: unknown): err is UnreachableError {
  return err instanceof UnreachableError || (!!err && (err as Record<symbol, unknown>)[UNREACHABLE_BRAND] === true);
}

/** No usable configuration (no token, unreadable credentials file, bad option). Says where it looked. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(redact(oneLine(message)));
    this.name = "ConfigError";
  }
}

/** True for every flavour of "the object does not exist". */
export function isNotFound(err: unknown): err is NotFoundError {
  return err instanceof NotFoundError || (!!err && (err as Record<symbol, unknown>)[NOT_FOUND_BRAND] === true);
}

/** True for any error of the client's taxonomy (ConfigError excluded). */
export function isSpotApiError(err: unknown): err is SpotApiError {
  return err instanceof SpotApiError || (!!err && (err as Record<symbol, unknown>)[API_ERROR_BRAND] === true);
}

const NOT_FOUND_CODE = /(_DOESNT_EXIST|_DOES_NOT_EXIST|_NOT_FOUND|^NOT_FOUND)$/i;
const CONFLICT_CODE = /(ALREADY_EXISTS?|DUPLICATE|CONFLICT)/i;

export function isNotFoundCode(code: string | undefined): boolean {
  return !!code && NOT_FOUND_CODE.test(code);
}

/** The hint for a 401, worded for the front-end the user is in. */
export function authHint(frontend: Frontend, tokenSource?: string): string {
  const where =
    frontend === "pulumi"
      ? "check spot:token (pulumi config set --secret spot:token …) or SPOTINST_TOKEN"
      : frontend === "terraform"
        ? "check the provider's token argument or SPOTINST_TOKEN"
        : "check SPOTINST_TOKEN / ~/.spotinst/credentials";
  return `${where}: the token${tokenSource ? ` (from ${tokenSource})` : ""} is missing, wrong or revoked`;
}

/**
 * Build the error for a non-200 answer. `errors` are Spot's `response.errors[]` (absent for the documented
 * 429 body, which carries `data` instead).
 */
export function errorFromResponse(
  init: Omit<SpotApiErrorInit, "code" | "field" | "spotMessage"> & { status: number },
  errors: SpotErrorItem[],
  extra: { statusText?: string; retryAfterMs?: number; authHint?: string } = {},
): SpotApiError {
  const notFound = errors.find((e) => isNotFoundCode(e.code));
  const first = notFound ?? errors[0];
  const full: SpotApiErrorInit = {
    ...init,
    errors,
    code: first?.code ?? String(init.status),
    field: first?.field,
    spotMessage:
      errors.length > 1
        ? errors.map((e) => `${e.code}: ${e.message}`).join("; ")
        : (first?.message ?? extra.statusText),
  };
  if (errors.length > 1) full.code = first?.code;
  const s = init.status;
  if (notFound || s === 404) return new NotFoundError(full);
  if (s === 401) return new AuthenticationError({ ...full, hint: init.hint ?? extra.authHint });
  if (s === 403) return new PermissionError(full);
  if (s === 429) return new RateLimitedError({ ...full, retryAfterMs: extra.retryAfterMs });
  if (s === 409 || errors.some((e) => CONFLICT_CODE.test(e.code))) return new ConflictError(full);
  if (s >= 500) return new ServerError(full);
  return new ValidationError(full);
}

/** Copy an error with retry information added to its message (attempts, elapsed time, why it stopped). */
export function withAttempts<E extends SpotApiError>(err: E, attempts: number, elapsedMs: number, gaveUp?: string): E {
  const Ctor = err.constructor as new (init: SpotApiErrorInit & { retryAfterMs?: number }) => E;
  const copy = new Ctor({
    method: err.method,
    path: err.path,
    status: err.status,
    code: err.code,
    field: err.field,
    requestId: err.requestId,
    spotMessage: err.spotMessage,
    errors: err.errors,
    hint: err.hint,
    attempts,
    elapsedMs,
    gaveUp,
    retryAfterMs: (err as unknown as RateLimitedError).retryAfterMs,
  });
  copy.stack = [`${copy.name}: ${copy.message}`, ...(err.stack ?? "").split("\n").slice(1)].join("\n");
  return copy;
}
