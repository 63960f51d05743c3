/** ImportResourceState: the core adopts the object by its import id. */
import { adopt, isOutcome } from "../../core";
import { encodeDynamic } from "../codec";
import { UserError } from "../diagnostics";
import type { Scope } from "../diagnostics";
import { encodePrivate } from "../private-state";
import type { ProviderState } from "../provider";
import { emptyAsUnset } from "../state";
import { emptyObject, propsToTf } from "../values";

export async function importResourceState(
  p: ProviderState,
  req: { type_name: string; id: string },
  scope: Scope,
): Promise<object> {
  const rs = p.resource(req.type_name);
  const kind = rs.kind;
  const id = String(req.id ?? "").trim();
  const fmt = `Import ids for ${rs.typeName} have the form ${kind.importId.format}, e.g. ${kind.importId.example}.`;
  if (!id) throw new UserError("Invalid import id", `${rs.typeName}: the import id is empty. ${fmt}`);
  const ctx = p.context(scope, `${kind.name} import`);
  let found;
  try {
    found = await adopt(kind, ctx, { id });
  } catch (err) {
    if (isOutcome(err, "NotFound"))
      throw new UserError(
        "Cannot import: not found",
        `${rs.typeName}: no ${kind.name} with id "${id}" exists in Spot. ${fmt}`,
      );
    scope.failed(`${kind.name} import of "${id}" failed`, err, rs.typeName);
    scope.diagnostics[scope.diagnostics.length - 1].detail += ` ${fmt}`;
    return {};
  }
  const state = emptyAsUnset(rs.attrs, propsToTf(rs.attrs, found.outputs, emptyObject(rs.attrs)));
  state.id = found.id;
  return {
    imported_resources: [
      { type_name: rs.typeName, state: encodeDynamic(state, rs.type), private: encodePrivate({ secrets: {} }) },
    ],
  };
}
