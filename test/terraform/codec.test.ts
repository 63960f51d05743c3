import { ExtData, encode } from "@msgpack/msgpack";
import { containsUnknown, UNKNOWN as CORE_UNKNOWN } from "../../src/core";
import {
  UNKNOWN,
  decodeDynamic,
  decodeValue,
  encodeDynamic,
  encodeValue,
  fromWire,
  normalizeNumber,
  toWire,
} from "../../src/terraform/codec";
import type { TfType } from "../../src/terraform/codec";

const objType: TfType = [
  "object",
  {
    name: "string",
    size: "number",
    on: "bool",
    tags: ["set", "string"],
    labels: ["map", "string"],
    rules: ["list", ["object", { action: "string", priority: "number" }]],
  },
];

describe("DynamicValue msgpack codec", () => {
  it("decodes Terraform's unknown to the core's one UNKNOWN", () => {
    expect(UNKNOWN).toBe(CORE_UNKNOWN);
    expect(UNKNOWN).toBe(Symbol.for("spot-iac.unknown"));
  });

  it("encodes unknown as fixext1 type 0, the form Terraform renders as (known after apply)", () => {
    expect([...encodeValue(UNKNOWN)]).toEqual([0xd4, 0x00, 0x00]);
    expect([...encodeValue({ a: UNKNOWN })]).toEqual([0x81, 0xa1, 0x61, 0xd4, 0x00, 0x00]);
  });

  it("decodes ext 0, refined ext 12 and any other extension as unknown", () => {
    expect(decodeValue(Buffer.from([0xd4, 0x00, 0x00]))).toBe(UNKNOWN);
    // ext 12 carries refinements: a msgpack map {1: false (not null), 2: "act-" (string prefix)}.
    const refinements = encode(
      new Map<number, unknown>([
        [1, false],
        [2, "act-"],
      ]),
    );
    expect(decodeValue(encode(new ExtData(12, refinements)))).toBe(UNKNOWN);
    expect(decodeValue(encode({ id: new ExtData(42, new Uint8Array([1, 2])) }))).toEqual({ id: UNKNOWN });
  });

  it("round-trips nested objects, lists, sets, maps, nulls and unknowns", () => {
    const v = {
      name: "a",
      size: 3,
      on: true,
      tags: ["x", "y"],
      labels: { team: "core", empty: null },
      rules: [{ action: "allow", priority: null }, UNKNOWN],
    };
    const back = decodeDynamic(encodeDynamic(v, objType), objType) as any;
    expect(back).toEqual(v);
    expect(containsUnknown(back)).toBe(true);
    expect(containsUnknown({ ...back, rules: [] })).toBe(false);
  });

  it("fills absent object attributes with null and drops undeclared ones (Terraform decodes strictly)", () => {
    const wire = toWire(objType, { name: "a", extra: 1 }) as any;
    expect(Object.keys(wire).sort()).toEqual(["labels", "name", "on", "rules", "size", "tags"]);
    expect(wire.size).toBeNull();
    expect(fromWire(objType, { name: "a" })).toMatchObject({ name: "a", tags: null, rules: null });
  });

  it("decodes a null DynamicValue, an empty one, and falls back to JSON", () => {
    expect(decodeDynamic(undefined)).toBeNull();
    expect(decodeDynamic({ msgpack: Buffer.alloc(0) })).toBeNull();
    expect(decodeDynamic({ msgpack: encodeValue(null) })).toBeNull();
    expect(decodeDynamic({ json: Buffer.from('{"name":"j","size":2}') }, objType)).toMatchObject({
      name: "j",
      size: 2,
      on: null,
    });
  });

  it("keeps numbers exact: int64 beyond 2^53 and decimal strings stay strings, others become numbers", () => {
    const big = 2n ** 60n;
    const decoded = decodeValue(encode(big, { useBigInt64: true }));
    expect(decoded).toBe(big);
    expect(fromWire("number", decoded)).toBe("1152921504606846976");
    expect(fromWire("number", decodeValue(encode(5_000_000_000, { useBigInt64: true })))).toBe(5_000_000_000);
    expect(fromWire("number", 7)).toBe(7);
    expect(fromWire("number", 2.5)).toBe(2.5);
    // Terraform sends values float64 cannot hold exactly as decimal strings.
    expect(normalizeNumber("0.1")).toBe(0.1);
    expect(normalizeNumber("100.50")).toBe(100.5);
    expect(normalizeNumber("12345678901234567890")).toBe("12345678901234567890");
    expect(normalizeNumber("3.14159265358979323846")).toBe("3.14159265358979323846");
    // and accepts them back on the wire as strings
    expect(decodeValue(encodeValue(toWire("number", "12345678901234567890")))).toBe("12345678901234567890");
    expect(() => toWire("number", "twelve")).toThrow(/expected a number/);
  });

  it("decodes the dynamic pseudo-type [type JSON, value]", () => {
    expect(fromWire("dynamic", ['"number"', 3])).toBe(3);
    expect(fromWire("dynamic", [Buffer.from('["list","string"]'), ["a"]])).toEqual(["a"]);
  });
});
