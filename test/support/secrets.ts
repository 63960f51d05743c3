import { secretMatches } from "../../src/core";

/**
 * Asymmetric matcher: a salted secret hash (hashSecret) made from `value`. Salted hashes differ every time,
 * so tests compare by verification, never by string equality.
 */
export function hashOf(value: string): any {
  return {
    $$typeof: Symbol.for("jest.asymmetricMatcher"),
    asymmetricMatch: (actual: unknown) => typeof actual === "string" && secretMatches(value, actual),
    toAsymmetricMatcher: () => "hashOf(<secret>)",
  };
}
