import { validationError } from "./errors";

/**
 * Body and query checks with Joi-style messages and `field` paths (`body.account.name`, `query.accountId`),
 * the shape production answers with. `null` counts as "not given" (Go's SDK sends explicit nulls).
 */
export type Obj = Record<string, unknown>;

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
  // Spot's Java clients send numeric ids (clientId, subscriptionId) unquoted; accept numbers as their text.
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v !== "string") throw validationError(field, `"${name}" must be a string`);
  if ((rules.required || rules.nonEmpty) && v.trim() === "") {
    throw validationError(field, `"${name}" is not allowed to be empty`);
  }
  if (rules.oneOf && !rules.oneOf.includes(v)) {
    throw validationError(field, `"${name}" must be one of [${rules.oneOf.join(", ")}]`);
  }
  if (rules.maxLength !== undefined && v.length > rules.maxLength) {
    throw validationError(field, `"${name}" length must be less than or equal to ${rules.maxLength} characters long`);
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
  if (v === "true") return true;
  if (v === "false") return false;
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
