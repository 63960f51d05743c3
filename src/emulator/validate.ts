import { validationError } from "./errors";

/**
 * Body and query checks with Joi-style messages and `field` paths (`body.account.name`, `query.accountId`),
 * the shape production answers with. `null` counts as "not given" (Go's SDK sends explicit nulls).
 *
 * Types are strict: a number is not a string and a string is not a boolean or an enum value unless it is one
 * exactly. Every string has a length limit (LIMITS); the OpenAPI documents only the 500 characters of a
 * notification endpoint, so the others are the emulator's (listed in docs/contract-deviations.md).
 */
export type Obj = Record<string, unknown>;

export const LIMITS = {
  /** Names of organizations, accounts, users, programmatic users, groups and policies. */
  name: 255,
  description: 1024,
  /** RFC 5321's longest usable address. */
  email: 254,
  password: 128,
  /** Any other string (ids, ARNs, URLs, keys of a service account). */
  text: 4096,
  /** A PEM private key of a GCP service-account file (an RSA-4096 key is about 3.3 KB). */
  privateKey: 16384,
} as const;

export const NAME = { maxLength: LIMITS.name };
export const DESCRIPTION = { maxLength: LIMITS.description };
export const EMAIL = { maxLength: LIMITS.email };

function leaf(field: string): string {
  const i = field.lastIndexOf(".");
  return i < 0 ? field : field.slice(i + 1);
}

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The request body as an object; a missing body is an error only when `required`. */
export function body(raw: unknown, required: boolean): Obj {
  if (raw === undefined || raw === null) {
    if (required) throw validationError("body", '"body" is required');
    return {};
  }
  if (!isObj(raw)) throw validationError("body", '"body" must be of type object');
  return raw;
}

export function object(parent: Obj, key: string, field: string, required: true): Obj;
export function object(parent: Obj, key: string, field: string, required?: boolean): Obj | undefined;
export function object(parent: Obj, key: string, field: string, required = false): Obj | undefined {
  const v = parent[key];
  if (v === undefined || v === null) {
    if (required) throw validationError(field, `"${leaf(field)}" is required`);
    return undefined;
  }
  if (!isObj(v)) throw validationError(field, `"${leaf(field)}" must be of type object`);
  return v;
}

export interface StringRules {
  required?: boolean;
  nonEmpty?: boolean;
  oneOf?: readonly string[];
  maxLength?: number;
  letter?: boolean; // must contain at least one a–z/A–Z (organization and account names)
  noSpecial?: boolean; // names cannot include + = @
}

export function string(parent: Obj, key: string, field: string, rules: StringRules & { required: true }): string;
export function string(parent: Obj, key: string, field: string, rules?: StringRules): string | undefined;
export function string(parent: Obj, key: string, field: string, rules: StringRules = {}): string | undefined {
  const v = parent[key];
  const name = leaf(field);
  if (v === undefined || v === null) {
    if (rules.required) throw validationError(field, `"${name}" is required`);
    return undefined;
  }
  if (typeof v !== "string") throw validationError(field, `"${name}" must be a string`);
  const max = rules.maxLength ?? LIMITS.text;
  if (v.length > max) {
    throw validationError(field, `"${name}" length must be less than or equal to ${max} characters long`);
  }
  if ((rules.required || rules.nonEmpty) && v.trim() === "") {
    throw validationError(field, `"${name}" is not allowed to be empty`);
  }
  if (rules.oneOf && !rules.oneOf.includes(v)) {
    throw validationError(field, `"${name}" must be one of [${rules.oneOf.join(", ")}]`);
  }
  if (rules.letter && !/[a-zA-Z]/.test(v)) {
    throw validationError(field, `"${name}" must contain at least one character that is a-z or A-Z`);
  }
  if (rules.noSpecial && /[+=@]/.test(v)) {
    throw validationError(field, `"${name}" cannot include these characters: + = @`);
  }
  return v;
}

export function boolean(parent: Obj, key: string, field: string, required = false): boolean | undefined {
  const v = parent[key];
  if (v === undefined || v === null) {
    if (required) throw validationError(field, `"${leaf(field)}" is required`);
    return undefined;
  }
  if (typeof v !== "boolean") throw validationError(field, `"${leaf(field)}" must be a boolean`);
  return v;
}

export function array(parent: Obj, key: string, field: string, required = false): unknown[] | undefined {
  const v = parent[key];
  if (v === undefined || v === null) {
    if (required) throw validationError(field, `"${leaf(field)}" is required`);
    return undefined;
  }
  if (!Array.isArray(v)) throw validationError(field, `"${leaf(field)}" must be an array`);
  return v;
}

export function stringArray(parent: Obj, key: string, field: string, required = false): string[] | undefined {
  const list = array(parent, key, field, required);
  if (list === undefined) return undefined;
  return list.map((item, i) => {
    if (typeof item !== "string") throw validationError(`${field}[${i}]`, `"${leaf(field)}[${i}]" must be a string`);
    if (item.length > LIMITS.text) {
      throw validationError(
        `${field}[${i}]`,
        `"${leaf(field)}[${i}]" length must be less than or equal to ${LIMITS.text} characters long`,
      );
    }
    return item;
  });
}

export function objectArray(parent: Obj, key: string, field: string, required = false): Obj[] | undefined {
  const list = array(parent, key, field, required);
  if (list === undefined) return undefined;
  return list.map((item, i) => {
    if (!isObj(item)) throw validationError(`${field}[${i}]`, `"${leaf(field)}[${i}]" must be of type object`);
    return item;
  });
}

/** Query parameters: `query.<name>`. */
export function queryString(query: Record<string, string>, key: string, required: boolean): string | undefined {
  const v = query[key];
  if (v === undefined || v === "") {
    if (required) throw validationError(`query.${key}`, `"${key}" is required`);
    return undefined;
  }
  return v;
}

export function queryBoolean(query: Record<string, string>, key: string): boolean | undefined {
  const v = query[key];
  if (v === undefined || v === "") return undefined;
  if (v === "true") return true;
  if (v === "false") return false;
  throw validationError(`query.${key}`, `"${key}" must be a boolean`);
}
