/**
 * DynamicValue codec: Terraform's msgpack wire format for values of its type system.
 *
 * - null is msgpack nil; an unknown value is any msgpack extension (ext 0 plain, ext 12 "refined" with
 *   nullness/prefix/bound hints we do not need). We decode every extension to `UNKNOWN` and encode
 *   `UNKNOWN` as fixext1 type 0, which Terraform renders "(known after apply)".
 * - Numbers arrive as msgpack ints, floats or, for values neither int64 nor float64 can hold, decimal
 *   strings. Decoding keeps them exact: int64 as bigint, decimal strings as strings; `fromWire` below turns
 *   them into JS numbers only when nothing is lost.
 * - The legacy JSON encoding only appears in UpgradeResourceState's raw state.
 */
import { UNKNOWN } from "../core/unknown";
import { Decoder, Encoder, ExtensionCodec } from "@msgpack/msgpack";

export type TfType =
  | "string"
  | "number"
  | "bool"
  | "dynamic"
  | ["list", TfType]
  | ["set", TfType]
  | ["map", TfType]
  | ["object", Record<string, TfType>]
  | ["tuple", TfType[]];

/** Terraform's unknown decodes to the core's one UNKNOWN, and UNKNOWN encodes back to it. */
export { UNKNOWN };

const extensionCodec = new ExtensionCodec();
// Every application extension type decodes to unknown: Terraform may add refinement kinds later.
for (let type = 0; type <= 127; type++) {
  extensionCodec.register({
    type,
    encode: (v: unknown) => (type === 0 && v === UNKNOWN ? new Uint8Array([0]) : null),
    decode: () => UNKNOWN,
  });
}

const encoder = new Encoder({ extensionCodec, useBigInt64: true });
const decoder = new Decoder({ extensionCodec, useBigInt64: true });

export function encodeValue(v: unknown): Buffer {
  const bytes = encoder.encode(v);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function decodeValue(bytes: Uint8Array): unknown {
  if (!bytes || bytes.length === 0) return null;
  return decoder.decode(bytes);
}

export interface DynamicValue {
  msgpack?: Uint8Array | null;
  json?: Uint8Array | null;
}

/** Decode a DynamicValue: msgpack when present, else JSON, else null (an absent value). */
export function decodeDynamic(dv: DynamicValue | null | undefined, type?: TfType): unknown {
  if (!dv) return null;
  let raw: unknown = null;
  if (dv.msgpack && dv.msgpack.length) raw = decodeValue(dv.msgpack);
  else if (dv.json && dv.json.length) raw = JSON.parse(Buffer.from(dv.json).toString("utf8"));
  return type ? fromWire(type, raw) : raw;
}

export function encodeDynamic(v: unknown, type?: TfType): { msgpack: Buffer } {
  return { msgpack: encodeValue(type ? toWire(type, v) : v) };
}

/** A decoded number in its lossless JS form: number when exact, else a decimal string. */
export function normalizeNumber(v: unknown): number | string | typeof UNKNOWN | null {
  if (v === null || v === undefined) return null;
  if (v === UNKNOWN) return UNKNOWN;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === "string") {
    // Terraform sends a decimal string only for values neither int64 nor float64 holds exactly, such as
    // 0.1 or 2^70. Keep JS number semantics when the double's shortest form is that very decimal.
    const s = v.trim();
    const n = Number(s);
    return s !== "" && Number.isFinite(n) && canonicalDecimal(String(n)) === canonicalDecimal(s) ? n : s;
  }
  throw new TypeError(`expected a number, got ${typeof v}`);
}

function canonicalDecimal(s: string): string {
  let t = s.toLowerCase().replace(/^\+/, "");
  if (t.includes("e")) return t;
  if (t.includes(".")) t = t.replace(/0+$/, "").replace(/\.$/, "");
  t = t.replace(/^(-?)0+(?=\d)/, "$1");
  return t === "-0" ? "0" : t;
}

/**
 * Shape a raw decoded value by its type: null stays null, unknown stays UNKNOWN, numbers become
 * lossless JS numbers/decimal strings, objects get every declared attribute (absent ones null).
 */
export function fromWire(type: TfType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v === UNKNOWN) return UNKNOWN;
  if (type === "dynamic") {
    // [JSON type, value]
    if (Array.isArray(v) && v.length === 2 && (typeof v[0] === "string" || v[0] instanceof Uint8Array)) {
      const t = JSON.parse(typeof v[0] === "string" ? v[0] : Buffer.from(v[0]).toString("utf8")) as TfType;
      return fromWire(t, v[1]);
    }
    return v;
  }
  if (type === "string") return typeof v === "string" ? v : String(v);
  if (type === "number") return normalizeNumber(v);
  if (type === "bool") return typeof v === "boolean" ? v : v === "true";
  const [kind, inner] = type;
  if (kind === "list" || kind === "set") return asArray(v).map((e) => fromWire(inner as TfType, e));
  if (kind === "tuple") return asArray(v).map((e, i) => fromWire((inner as TfType[])[i], e));
  if (kind === "map") {
    const r: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(asObject(v))) r[k] = fromWire(inner as TfType, e);
    return r;
  }
  const obj = asObject(v);
  const r: Record<string, unknown> = {};
  for (const [k, t] of Object.entries(inner as Record<string, TfType>)) r[k] = fromWire(t, obj[k]);
  return r;
}

/** The inverse of fromWire: values ready for msgpack, coercing primitives to the declared type. */
export function toWire(type: TfType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v === UNKNOWN) return UNKNOWN;
  if (type === "dynamic") return v;
  if (type === "string") return typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
  if (type === "number") {
    if (typeof v === "number" || typeof v === "bigint") return v;
    // Decimal strings are valid msgpack numbers for Terraform; anything else is a bug upstream.
    if (typeof v === "string" && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v.trim())) return v.trim();
    throw new TypeError(`expected a number, got ${JSON.stringify(v)}`);
  }
  if (type === "bool") return typeof v === "boolean" ? v : v === "true";
  const [kind, inner] = type;
  if (kind === "list" || kind === "set") return asArray(v).map((e) => toWire(inner as TfType, e));
  if (kind === "tuple") return asArray(v).map((e, i) => toWire((inner as TfType[])[i], e));
  if (kind === "map") {
    const r: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(asObject(v))) r[k] = toWire(inner as TfType, e);
    return r;
  }
  const obj = asObject(v);
  const r: Record<string, unknown> = {};
  // Terraform decodes objects strictly: every attribute present, none extra.
  for (const [k, t] of Object.entries(inner as Record<string, TfType>)) r[k] = toWire(t, obj[k]);
  return r;
}

function asArray(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  throw new TypeError(`expected a list, got ${typeof v}`);
}

function asObject(v: unknown): Record<string, unknown> {
  if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  throw new TypeError(`expected an object, got ${Array.isArray(v) ? "a list" : typeof v}`);
}
