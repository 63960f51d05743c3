/**
 * Extra helpers of the organization/account/connection tests (the shared ones are in helpers.ts).
 */
import type { Props, ResourceKind } from "../../src/core";
import { checked } from "./helpers";

export { rejectedBeforeApi, requests } from "./helpers";

export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Inputs as the front-ends pass them (checked, defaults applied), typed by the kind; throws on failures. */
export function checkedFor<I extends Props>(kind: ResourceKind<I, any>, raw: Props): I {
  return checked<I>(kind, raw);
}
