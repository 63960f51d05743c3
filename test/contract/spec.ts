/**
 * The OpenAPI contract for the contract tests: the official spec bundled (all $refs resolved), patched with
 * exactly the deviations of docs/contract-deviations.md, compiled into ajv validators per route and status.
 */
import $RefParser from "@apidevtools/json-schema-ref-parser";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const SPEC_DIR = join(__dirname, "../../spec/spot-openapi/api");
const SPEC_FILE = join(SPEC_DIR, "spot-admin.yaml");
export const DEVIATIONS_FILE = join(__dirname, "../../docs/contract-deviations.md");

type Schema = Record<string, any>;

export interface Deviation {
  id: string;
  route: string;
  at: string;
  op: "wrap-array" | "unwrap-array" | "merge" | "rename" | "add";
  value?: Schema;
  /** For `add`: the property the spec does not declare that clients decode (added as required). */
  property?: string;
  from?: string;
  to?: string;
}

export function loadDeviations(): Deviation[] {
  const md = readFileSync(DEVIATIONS_FILE, "utf8");
  return [...md.matchAll(/```deviation\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as Deviation);
}

export interface Operation {
  method: string;
  path: string;
  responses: Record<string, Schema>;
}

export interface Contract {
  operations: Map<string, Operation>; // "GET /setup/account" → operation
  errorSchema: Schema;
  wrapperSchema: Schema;
}

let cached: Promise<Contract> | undefined;

export function loadContract(): Promise<Contract> {
  cached ??= (async () => {
    const spec = (await $RefParser.dereference(SPEC_FILE)) as Schema;
    const errorSchema = (await $RefParser.dereference(join(SPEC_DIR, "commons/schemas/errorResponse.yaml"))) as Schema;
    const wrapperSchema = (await $RefParser.dereference(
      join(SPEC_DIR, "commons/schemas/responseWrapper.yaml"),
    )) as Schema;
    const operations = new Map<string, Operation>();
    for (const [path, item] of Object.entries(spec.paths as Record<string, Schema>)) {
      for (const method of ["get", "post", "put", "delete"]) {
        const op = item[method];
        if (!op) continue;
        const responses: Record<string, Schema> = {};
        for (const [status, r] of Object.entries(op.responses as Record<string, Schema>)) {
          const schema = r.content?.["application/json"]?.schema;
          if (schema) responses[status] = structuredClone(schema);
        }
        operations.set(`${method.toUpperCase()} ${path}`, { method: method.toUpperCase(), path, responses });
      }
    }
    return { operations, errorSchema, wrapperSchema };
  })();
  return cached;
}

/** Visits every schema node reachable at a data path (through allOf/anyOf/oneOf, properties and items). */
function nodesAt(
  schema: Schema,
  path: string[],
  visit: (parent: Schema, key: string | number, container: any) => void,
) {
  const walk = (node: Schema, rest: string[], parent: any, key: string | number) => {
    if (!node || typeof node !== "object") return;
    for (const comb of ["allOf", "anyOf", "oneOf"]) {
      if (Array.isArray(node[comb])) node[comb].forEach((sub: Schema, i: number) => walk(sub, rest, node[comb], i));
    }
    if (rest.length === 0) {
      visit(node, key, parent);
      return;
    }
    const [head, ...tail] = rest;
    if (head === "[]") {
      if (node.items) walk(node.items, tail, node, "items");
    } else if (node.properties?.[head]) {
      walk(node.properties[head], tail, node.properties, head);
    }
  };
  walk(schema, path, null, "");
}

/** Applies one deviation to a schema; returns how many schema nodes it changed. */
export function applyDeviation(schema: Schema, d: Deviation): number {
  let changed = 0;
  const path = d.at.split(".");
  const targets: { node: Schema; key: string | number; container: any }[] = [];
  nodesAt(schema, path, (node, key, container) => targets.push({ node, key, container }));
  for (const { node, key, container } of targets) {
    if (d.op === "wrap-array") {
      if (node.type === "object" || (node.properties && node.type !== "array")) {
        if (container === null) continue;
        container[key] = { type: "array", items: node };
        changed++;
      }
    } else if (d.op === "unwrap-array") {
      if (node.type === "array" && node.items && container !== null) {
        container[key] = node.items;
        changed++;
      }
    } else if (d.op === "merge") {
      if (!node.type && !node.properties && !node.items) continue; // pure combinator wrappers
      Object.assign(node, structuredClone(d.value));
      changed++;
    } else if (d.op === "add") {
      // Only object schemas that do not declare the property yet: once the spec has it, the patch is stale.
      if (node.properties && !node.properties[d.property!]) {
        node.properties[d.property!] = structuredClone(d.value ?? {});
        node.required = [...(node.required ?? []), d.property!];
        changed++;
      }
    } else if (d.op === "rename") {
      if (node.properties?.[d.from!]) {
        node.properties[d.to!] = node.properties[d.from!];
        delete node.properties[d.from!];
        changed++;
      }
    }
  }
  return changed;
}

export function newAjv(): Ajv {
  // OpenAPI 3.0 keywords (example, nullable, readOnly, x-*) are not JSON Schema: not strict.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat("string", true);
  return ajv;
}

export class Validators {
  private readonly ajv = newAjv();
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(
    readonly contract: Contract,
    readonly deviations: Deviation[],
  ) {}

  /** The validator for a route's answer with this HTTP status (errors: the spec's error envelope). */
  get(route: string, status: number, skipDeviation?: string): ValidateFunction {
    const key = `${route} ${status} ${skipDeviation ?? ""}`;
    let fn = this.cache.get(key);
    if (fn) return fn;
    let schema: Schema;
    if (status === 200) {
      const op = this.contract.operations.get(route);
      if (!op) throw new Error(`route ${route} is not in the OpenAPI`);
      schema = structuredClone(op.responses["200"] ?? this.contract.wrapperSchema);
      for (const d of this.deviations) {
        if (d.route === route && d.id !== skipDeviation) applyDeviation(schema, d);
      }
    } else if (status === 429) {
      schema = this.contract.wrapperSchema;
    } else {
      schema = this.contract.errorSchema;
    }
    fn = this.ajv.compile(schema);
    this.cache.set(key, fn);
    return fn;
  }
}

/** The values at a deviation path (`response.items.[]`) in a recorded answer. */
export function valuesAt(body: unknown, at: string): unknown[] {
  let current: unknown[] = [body];
  for (const step of at.split(".")) {
    current = current.flatMap((v): unknown[] => {
      if (step === "[]") return Array.isArray(v) ? v : [];
      return v !== null && typeof v === "object" && step in v ? [(v as Record<string, unknown>)[step]] : [];
    });
  }
  return current;
}
