/**
 * Small in-test kinds of the core tests: "Thing" has one field of every sort (required, enum with a default,
 * refused, replacing, set, computed, secret, local, outputs stable and not), and `memoryKind()` serves it from an
 * in-memory store with counted calls, so that a lifecycle rule can be tested without a real kind obscuring it.
 */
import {
  CreatedNotFinished,
  secretStandIn,
  type Fields,
  type Found,
  type Props,
  type ResourceKind,
} from "../../src/core";

export const thingFields: Fields = {
  name: { type: "string", required: true, description: "Name." },
  role: { type: "string", optional: true, default: "viewer", enum: ["viewer", "editor"], description: "Role." },
  email: {
    type: "string",
    required: true,
    onChange: "reject",
    rejectHint: "Create a new user.",
    description: "E-mail.",
  },
  region: { type: "string", optional: true, onChange: "replace", description: "Region." },
  tags: { type: { set: "string" }, optional: true, description: "Tags." },
  note: { type: "string", optional: true, computed: true, description: "Server fills it." },
  password: { type: "string", optional: true, secret: true, description: "Password." },
  orgId: { type: "string", computed: true, description: "Output." },
  port: {
    type: "number",
    optional: true,
    validate: (v) => (v > 65535 ? "must be ≤ 65535" : undefined),
    description: "Port.",
  },
};

/** A kind over nothing: for the pure functions (check, diff), which never call it. */
export const thing: ResourceKind = {
  name: "Thing",
  description: "test kind",
  importId: { format: "th-…", example: "th-1" },
  naturalKey: ["name"],
  fields: thingFields,
  read: async () => undefined,
  create: async () => ({ id: "x", outputs: {} }),
  update: async () => ({}),
  delete: async () => undefined,
  find: async () => undefined,
};

export interface MemoryKind {
  kind: ResourceKind;
  /** What "Spot" holds, by id (secrets never: Spot does not return them). */
  store: Map<string, Props>;
  calls: { read: number; create: Props[]; update: { id: string; fields: string[] }[]; delete: string[]; find: number };
  /** Makes the next create/update fail (after the object exists, for a create). */
  failNext: { create?: Error; update?: Error };
}

/**
 * A kind served from memory. Fields: name (natural key), size (update), zone (replace), color (reject), token
 * (secret, update), allowDeletion (local), plus outputs thingId (stable) and revision (bumped by every write).
 */
export function memoryKind(opts: { irreversible?: boolean; verify?: (inputs: Props) => string[] } = {}): MemoryKind {
  const store = new Map<string, Props>();
  const calls: MemoryKind["calls"] = { read: 0, create: [], update: [], delete: [], find: 0 };
  const failNext: MemoryKind["failNext"] = {};
  let seq = 0;
  const outputs = (id: string, prior?: Props): Props => {
    const o = store.get(id)!;
    // Spot never returns the token: the caller's memory carries its hash (as kinds do), a plaintext is hashed.
    return { ...o, token: secretStandIn(prior?.token) };
  };
  const kind: ResourceKind = {
    name: "Widget",
    description: "an in-memory test kind",
    importId: { format: "w-<n> (or the name)", example: "w-1" },
    naturalKey: ["name"],
    irreversibleDelete: opts.irreversible,
    fields: {
      name: { type: "string", required: true, description: "Name." },
      size: { type: "number", optional: true, description: "Size." },
      zone: { type: "string", optional: true, onChange: "replace", description: "Zone." },
      color: {
        type: "string",
        optional: true,
        computed: true,
        onChange: "reject",
        rejectHint: "Paint it in the console.",
        description: "Color.",
      },
      token: { type: "string", optional: true, secret: true, description: "Token." },
      allowDeletion: { type: "bool", optional: true, local: true, default: false, description: "Allow deletion." },
      thingId: { type: "string", stable: true, description: "Id." },
      revision: { type: "number", description: "Bumped by every write." },
    },
    ...(opts.verify
      ? {
          verify: async ({ inputs }: { inputs: Props }) =>
            opts.verify!(inputs).map((message) => ({ field: "name", message })),
        }
      : {}),
    async read({ id, prior }) {
      calls.read++;
      return store.has(id) ? outputs(id, prior) : undefined;
    },
    async create({ inputs }) {
      calls.create.push(inputs);
      const id = `w-${++seq}`;
      store.set(id, {
        thingId: id,
        name: inputs.name,
        size: inputs.size,
        zone: inputs.zone,
        color: inputs.color ?? "grey",
        revision: 1,
      });
      if (failNext.create) {
        const cause = failNext.create;
        failNext.create = undefined;
        throw new CreatedNotFinished("Widget", id, { thingId: id, name: inputs.name }, "sizing it", cause);
      }
      return { id, outputs: outputs(id, inputs) } as Found;
    },
    async update({ id, inputs, changes }) {
      calls.update.push({ id, fields: changes.map((c) => c.field) });
      if (failNext.update) {
        const e = failNext.update;
        failNext.update = undefined;
        throw e;
      }
      const o = store.get(id)!;
      store.set(id, { ...o, name: inputs.name, size: inputs.size, revision: o.revision + 1 });
      return outputs(id, inputs);
    },
    async delete({ id }) {
      calls.delete.push(id);
      store.delete(id);
    },
    async find({ inputs }) {
      calls.find++;
      for (const [id, o] of store) if (o.name === inputs.name) return { id, outputs: outputs(id) };
      return undefined;
    },
  };
  return { kind, store, calls, failNext };
}
