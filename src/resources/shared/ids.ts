/**
 * Shapes of ids, names and e-mails the kinds check before any API call, with messages that say what to write.
 */

const ACCOUNT_ID = /^act-[A-Za-z0-9]+$/;
const NO_SPACE = /^\S+$/;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function accountIdProblem(v: string): string | undefined {
  if (ACCOUNT_ID.test(v)) return undefined;
  const hint = /^\S+$/.test(v) && !v.startsWith("act-") ? " (the account's id, not its name)" : "";
  return `must be a Spot account id like "act-12ab34cd"${hint}; got ${JSON.stringify(v)}`;
}

export const accountIdShape = (v: string): string | undefined =>
  ACCOUNT_ID.test(v) ? undefined : `must be a Spot account id like "act-1a2b3c4d"; got ${JSON.stringify(v)}`;

/** Spot's rule for organization and account names. */
export function nameProblem(v: string): string | undefined {
  if (v.trim() === "") return "must not be empty";
  return /[A-Za-z]/.test(v)
    ? undefined
    : `must contain at least one letter a-z or A-Z (Spot's rule); got ${JSON.stringify(v)}`;
}

/** Message for a name Spot refuses (user, programmatic user, group and policy names). */
export function noSpecialChars(v: string): string | undefined {
  if (v.trim() === "") return "must not be empty";
  return /[+=@]/.test(v)
    ? `cannot contain the characters + = @ (Spot refuses them); got ${JSON.stringify(v)}`
    : undefined;
}

/** An id of another kind: no blanks, and the expected prefix when there is one. */
export function idShape(prefix: string | undefined, example: string) {
  return (v: string): string | undefined => {
    if (!NO_SPACE.test(v)) return `must be an id without blanks, like "${example}"; got ${JSON.stringify(v)}`;
    if (prefix && !v.startsWith(prefix))
      return `must be an id starting with "${prefix}", like "${example}"; got ${JSON.stringify(v)}`;
    return undefined;
  };
}

export const noBlanks = (v: string): boolean => NO_SPACE.test(v);

export const emailShape = (v: string): string | undefined =>
  EMAIL.test(v) ? undefined : `must be an e-mail address like "jane@example.com"; got ${JSON.stringify(v)}`;

export function sameEmail(a: unknown, b: unknown): boolean {
  return typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
}

/** Spot's organization id arrives as a number in user answers; the rest of spot-iac uses strings. */
export function orgIdOf(v: unknown): string | undefined {
  return v === undefined || v === null || v === "" ? undefined : String(v);
}
