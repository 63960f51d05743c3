import { randomBytes, randomInt, randomUUID } from "node:crypto";

// Spot's id shapes (reference §1.7): prefix + 8 hex, numeric organization ids, UUID request ids.
export function hexId(prefix: string): string {
  return prefix + randomBytes(4).toString("hex");
}

export function organizationId(): string {
  // 12 digits starting with 606, like every public example.
  return "606" + String(randomInt(0, 1_000_000_000)).padStart(9, "0");
}

export function requestId(): string {
  return randomUUID();
}

/** Token values look like Spot's: a long lowercase hex string (example in OA has 47 chars; we use 64). */
export function tokenValue(): string {
  return randomBytes(32).toString("hex");
}

export function externalId(): string {
  return "spotinst:aws:extid:" + randomBytes(8).toString("hex");
}
