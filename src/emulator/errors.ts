import { STATUS_CODES } from "node:http";

export interface ErrorItem {
  code: string;
  message: string;
  field?: string;
}

/** An error the emulator answers with Spot's error envelope. Handlers throw it; the transaction rolls back. */
export class SpotError extends Error {
  constructor(
    readonly status: number,
    readonly errors: ErrorItem[],
  ) {
    super(errors.map((e) => `${e.code}: ${e.message}`).join("; "));
  }
}

export function statusMessage(status: number): string {
  return STATUS_CODES[status] ?? "Unknown";
}

/** Joi-style validation error, as production answers (`"accountId" is required`, field `query.accountId`). */
export function validationError(field: string, message: string): SpotError {
  return new SpotError(400, [{ code: "ValidationError", message, field }]);
}

/**
 * Spot answers a missing object with HTTP 400 and `<Entity>_DOESNT_EXIST` (Account_DOESNT_EXIST,
 * ServiceAccount_DOESNT_EXIST are the evidenced ones; the rest of the family follows the same spelling).
 */
export function notFound(entity: string, id: string, field?: string): SpotError {
  const item: ErrorItem = { code: `${entity}_DOESNT_EXIST`, message: `${entity} ${id} does not exist` };
  if (field) item.field = field;
  return new SpotError(400, [item]);
}

/** A request that is well-formed but conflicts with the current state. */
export function badRequest(code: string, message: string, field?: string): SpotError {
  const item: ErrorItem = { code, message };
  if (field) item.field = field;
  return new SpotError(400, [item]);
}

export function unauthorized(message = "Missing or invalid bearer token"): SpotError {
  return new SpotError(401, [{ code: "UNAUTHORIZED", message }]);
}

export function forbidden(message: string): SpotError {
  return new SpotError(403, [{ code: "FORBIDDEN", message }]);
}
