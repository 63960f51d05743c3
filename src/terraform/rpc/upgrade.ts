/** UpgradeResourceState: state written by this schema version (or an older one) into today's shape. */
import { encodeDynamic, fromWire } from "../codec";
import { UserError, attrStep, oneLine } from "../diagnostics";
import type { Scope } from "../diagnostics";
import type { ProviderState } from "../provider";
import { SCHEMA_VERSION } from "../schema";
import type { TfObject } from "../values";

export async function upgradeResourceState(
  p: ProviderState,
  req: { type_name: string; version?: number; raw_state?: { json?: Uint8Array; flatmap?: Record<string, string> } },
  scope: Scope,
): Promise<object> {
  const rs = p.resource(req.type_name);
  const version = Number(req.version ?? 0);
  if (version > SCHEMA_VERSION)
    throw new UserError(
      "State from a newer provider",
      `${rs.typeName}: the state was written with schema version ${version} by a newer spot provider (this one has ${SCHEMA_VERSION}); upgrade the provider.`,
    );
  const json = req.raw_state?.json;
  if (!json || json.length === 0) {
    if (req.raw_state?.flatmap && Object.keys(req.raw_state.flatmap).length)
      throw new UserError(
        "Unsupported state format",
        `${rs.typeName}: legacy flatmap state is not supported; re-import the resource.`,
      );
    return { upgraded_state: encodeDynamic(null) };
  }
  const raw = JSON.parse(Buffer.from(json).toString("utf8")) as TfObject;
  const state: TfObject = {};
  for (const a of rs.attrs) {
    try {
      state[a.name] = a.writeOnly ? null : fromWire(a.type, raw[a.name] ?? null);
    } catch (err) {
      scope.error(
        "Cannot upgrade state",
        `${rs.typeName}: attribute ${a.name}: ${oneLine(err)}; re-import the resource.`,
        attrStep(a.name),
      );
    }
  }
  if (scope.hasErrors) return {};
  return { upgraded_state: encodeDynamic(state, rs.type) };
}
