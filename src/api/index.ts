/**
 * The Spot API client: typed, resilient (retries, pacing), frugal (coalescing, list cache), attributable
 * (User-Agent with the run id) and discreet (redaction). See docs/client.md.
 */
export { SpotClient, processRunId, type ClientOptions } from "./client";
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
  ConfigError,
  isNotFound,
  isSpotApiError,
  isNotFoundCode,
  CLIENT_VALIDATION,
  type SpotErrorItem,
  type Frontend,
} from "./errors";
export { redact, registerSecret, registerSecretsIn, isSecretKey, REDACTED } from "./redact";
export { resolveConfig, DEFAULT_BASE_URL, type ResolvedConfig } from "./config";
export { DEFAULT_RETRY, backoffDelay, retryDelay, serverWaitMs, type RetryPolicy } from "./backoff";
export type { ClientCounters } from "./transport";
export type { CreateOptions } from "./area";
export { runIdOfAgent } from "./audit";
export type { AccountsApi } from "./accounts";
export type { OrganizationsApi } from "./organizations";
export type { CredentialsApi } from "./credentials";
export type { UsersApi } from "./users";
export type { AccessApi, UserGroupsApi, PoliciesApi } from "./access";
export type { NotificationsApi } from "./notifications";
export type { AuditApi } from "./audit";
export * from "./types";
