/**
 * The Spot API client: typed, resilient (retries, pacing), frugal (coalescing, list cache), attributable
 * (User-Agent with the run id) and discreet (redaction). See docs/client.md.
 */
export { SpotClient, type ClientOptions } from "./client";
export { processRunId, newRunId, RUN_ID_PATTERN } from "./run-id";
export {
  SpotApiError,
  NotFoundError,
  ValidationError,
  AuthenticationError,
  PermissionError,
  RateLimitedError,
  ConflictError,
  ServerError,
  NetworkError,
  UnreachableError,
  ConfigError,
  isNotFound,
  isUnreachable,
  isSpotApiError,
  isNotFoundCode,
  CLIENT_VALIDATION,
  type SpotErrorItem,
  type Frontend,
} from "./errors";
export { redact, registerSecret, registerSecretsIn, isSecretKey, REDACTED } from "./redact";
export { resolveConfig, DEFAULT_BASE_URL, type ResolvedConfig } from "./config";
export {
  DEFAULT_RETRY,
  backoffDelay,
  retryDelay,
  serverWaitMs,
  shouldRetry,
  type RetryPolicy,
  type FailureKind,
  type RetryState,
  type RetryVerdict,
} from "./backoff";
export type { Clock } from "./clock";
export type { ClientCounters } from "./transport";
export type { CreateOptions } from "./area";
export { runIdOfAgent } from "./audit";
export type { AccountsApi } from "./accounts";
export type { OrganizationsApi } from "./organizations";
export type { CredentialsApi } from "./credentials";
export type { UsersApi, UserQuery } from "./users";
export type { AccessApi, UserGroupsApi, PoliciesApi } from "./access";
export type { NotificationsApi } from "./notifications";
export type { AuditApi } from "./audit";
export * from "./types";
