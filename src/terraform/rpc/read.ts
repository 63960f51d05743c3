/** ReadResource (refresh) and ReadDataSource. */
import { isInput, managedFields, normalize, readLive } from "../../core";
import type { Field } from "../../core";
import { UNKNOWN, decodeDynamic, encodeDynamic } from "../codec";
import type { DynamicValue } from "../codec";
import type { Scope } from "../diagnostics";
import { parsePrivate, secretMemory } from "../private-state";
import type { ProviderState } from "../provider";
import { liveFromState } from "../state";
import { fieldToTf } from "../values";
import type { TfObject } from "../values";
import { checkLookupArgs } from "./validate";

function same(t: Field["type"], a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(t, a)) === JSON.stringify(normalize(t, b));
}

export async function readResource(
  p: ProviderState,
  req: { type_name: string; current_state?: DynamicValue; private?: Uint8Array },
  scope: Scope,
): Promise<object> {
  const rs = p.resource(req.type_name);
  const kind = rs.kind;
  const cur = decodeDynamic(req.current_state, rs.type) as TfObject | null;
  if (!cur) return { new_state: encodeDynamic(null) };
  const priv = parsePrivate(req.private);
  const label = `${kind.name} ${cur.id}`;
  const prior = liveFromState(rs, cur, priv);
  const ctx = p.context(scope, label);
  let found;
  try {
    found = await readLive({
      kind,
      ctx,
      id: String(cur.id),
      prior,
      secrets: secretMemory(priv),
      // What the state holds is what the configuration manages.
      manage: managedFields(kind, prior),
    });
  } catch (err) {
    scope.failed(`${label}: read failed`, err, rs.typeName);
    return { new_state: req.current_state, private: req.private };
  }
  if (!found) return { new_state: encodeDynamic(null), private: req.private };

  const priorInputs: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(kind.fields)) if (isInput(f) && prior[k] !== undefined) priorInputs[k] = prior[k];
  const live = kind.normalizeLive ? kind.normalizeLive(found, priorInputs) : found;
  const state: TfObject = { ...cur };
  for (const a of rs.attrs) {
    if (a.role !== "field" || !a.def) continue;
    if (a.writeOnly) {
      state[a.name] = null;
      continue;
    }
    const v = live[a.field!];
    // Semantically equal (set order, empty vs absent): keep the user's form so Terraform sees no change.
    state[a.name] = same(a.def.type, v, prior[a.field!]) ? cur[a.name] : fieldToTf(a.def.type, v);
  }
  return { new_state: encodeDynamic(state, rs.type), private: req.private };
}

export async function readDataSource(
  p: ProviderState,
  req: { type_name: string; config?: DynamicValue },
  scope: Scope,
): Promise<object> {
  const ds = p.dataSource(req.type_name);
  const cfg = (decodeDynamic(req.config, ds.type) ?? {}) as TfObject;
  const args = checkLookupArgs(ds, cfg, scope);
  if (scope.hasErrors) return {};
  const label = `${ds.lookup.name} lookup`;
  const ctx = p.context(scope, label);
  let result;
  try {
    result = await ds.lookup.run(ctx, args);
  } catch (err) {
    scope.failed(`${label} failed`, err, ds.typeName, ds.lookup.args);
    return {};
  }
  const state: TfObject = {};
  for (const a of ds.attrs) {
    const rf = a.field ? ds.lookup.result[a.field] : undefined;
    const v = rf && result[a.field!] !== undefined ? fieldToTf(rf.type, result[a.field!]) : cfg[a.name];
    state[a.name] = v === undefined || v === UNKNOWN ? null : v;
  }
  return { state: encodeDynamic(state, ds.type) };
}
