/**
 * The resource's private state: bytes Terraform stores beside the state and hands back on every call, never
 * shown. It is where the Terraform front-end keeps its SecretMemory (the salted hashes of write-only secrets).
 */
import type { SecretMemory } from "../core";
import { memoryOf } from "../core";

export interface PrivateState {
  /** Engine field → salted hash of the value last applied, for write-only secret inputs. */
  secrets: Record<string, string>;
}

export function parsePrivate(bytes: Uint8Array | null | undefined): PrivateState {
  if (!bytes || bytes.length === 0) return { secrets: {} };
  try {
    const p = JSON.parse(Buffer.from(bytes).toString("utf8"));
    return { secrets: p && typeof p.secrets === "object" && p.secrets ? { ...p.secrets } : {} };
  } catch {
    return { secrets: {} };
  }
}

export function encodePrivate(p: PrivateState): Buffer {
  return Buffer.from(JSON.stringify({ v: 1, secrets: p.secrets }));
}

/** A memory over a copy of the private state's hashes: what apply records goes to the new private state. */
export function secretMemory(p: PrivateState): SecretMemory & { record: Record<string, string> } {
  return memoryOf({ ...p.secrets });
}
