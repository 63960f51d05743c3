/**
 * ApplyResourceChange: the core applies the change (re-reading the object once and refusing when it moved since
 * the plan); this module answers the planned state with its unknowns filled in — never a known planned value
 * changed, which Terraform would call an inconsistent result — and the private state with the secret memory.
 *
 * A create that Spot completed only in part (CreatedNotFinished) is answered with the object's state AND an
 * error, so Terraform records it as tainted instead of losing it.
 */
import type { Props } from "../../core";
import { apply, isOutcome } from "../../core";
import { decodeDynamic, encodeDynamic } from "../codec";
import type { DynamicValue } from "../codec";
import { UserError } from "../diagnostics";
import type { Scope } from "../diagnostics";
import { encodePrivate, parsePrivate, secretMemory } from "../private-state";
import type { PrivateState } from "../private-state";
import type { ProviderState } from "../provider";
import type { TfAttr, TfResourceSchema } from "../schema";
import { seal } from "../sealed";
import { liveFromState, secretsOf } from "../state";
import { emptyObject, fillUnknowns, propsFromTf, propsToTf } from "../values";
import type { TfObject } from "../values";
import { snakeCase } from "../../core";

export async function applyResourceChange(
  p: ProviderState,
  req: {
    type_name: string;
    prior_state?: DynamicValue;
    planned_state?: DynamicValue;
    config?: DynamicValue;
    planned_private?: Uint8Array;
  },
  scope: Scope,
): Promise<object> {
  if (p.stopped)
    throw new UserError("Provider stopping", "Terraform asked the spot provider to stop; the change was not started.");
  const rs = p.resource(req.type_name);
  const kind = rs.kind;
  const prior = decodeDynamic(req.prior_state, rs.type) as TfObject | null;
  const planned = decodeDynamic(req.planned_state, rs.type) as TfObject | null;
  const config = decodeDynamic(req.config, rs.type) as TfObject | null;
  const priv = parsePrivate(req.planned_private);
  scope.addSecrets(secretsOf(rs, config));
  const label = `${kind.name} ${prior?.id ?? "(new)"}`;
  const ctx = p.context(scope, label);
  const memory = secretMemory(priv);
  const keepPrior = { new_state: req.prior_state, private: req.planned_private };

  if (!planned) {
    if (!prior) return { new_state: encodeDynamic(null) };
    try {
      await apply({ kind, ctx, action: "delete", id: String(prior.id), prior: liveFromState(rs, prior, priv) });
    } catch (err) {
      scope.failed(`${label}: delete failed`, err, rs.typeName, kind.fields);
      return keepPrior;
    }
    return { new_state: encodeDynamic(null) };
  }

  const cfg = config ?? planned;
  const desired = propsFromTf(rs.attrs, cfg);
  let id: string;
  let outputs: Props;
  if (!prior) {
    try {
      const a = await apply({ kind, ctx, action: "create", desired, secrets: memory });
      id = a.id!;
      outputs = a.outputs!;
    } catch (err) {
      scope.failed(`${kind.name}: create failed`, err, rs.typeName, kind.fields);
      if (!isOutcome(err, "CreatedNotFinished")) return {};
      // The object exists: give Terraform its state with the error, so it is tracked (tainted), not lost.
      id = err.id;
      outputs = { ...desired, ...err.outputs };
    }
  } else {
    id = String(prior.id);
    const live = liveFromState(rs, prior, priv);
    try {
      const a = await apply({
        kind,
        ctx,
        action: "update",
        id,
        desired,
        prior: live,
        secrets: memory,
        plannedFrom: live,
      });
      outputs = a.outputs!;
    } catch (err) {
      scope.failed(`${label}: update failed`, err, rs.typeName, kind.fields);
      return keepPrior;
    }
  }

  const newPriv: PrivateState = { secrets: memory.record };
  const actual = propsToTf(rs.attrs, outputs, emptyObject(rs.attrs));
  actual.id = id;
  for (const a of rs.attrs) {
    if (a.role === "secretVersion") {
      const hash = newPriv.secrets[a.field!];
      const before = typeof prior?.[a.name] === "number" ? (prior[a.name] as number) : 0;
      if (!prior) actual[a.name] = hash ? 1 : null;
      else actual[a.name] = hash !== priv.secrets[a.field!] ? before + 1 : prior[a.name];
    } else if (a.role === "sealed") {
      actual[a.name] = prior ? prior[a.name] : sealOutput(rs, a, outputs[a.field!], cfg, scope);
    } else if (a.role === "publicKey") actual[a.name] = planned[a.name];
  }
  const state = fillUnknowns(planned, actual) as TfObject;
  for (const a of rs.attrs) if (a.writeOnly) state[a.name] = null;
  return { new_state: encodeDynamic(state, rs.type), private: encodePrivate(newPriv) };
}

function sealOutput(rs: TfResourceSchema, a: TfAttr, plaintext: unknown, cfg: TfObject, scope: Scope): string | null {
  if (typeof plaintext !== "string" || plaintext === "") return null;
  scope.addSecrets([plaintext]);
  const name = snakeCase(a.field!);
  const key = cfg[`${name}_public_key`];
  if (typeof key === "string") return seal(plaintext, key);
  scope.warn(
    `${name} discarded`,
    `${rs.kind.name}: Spot returned ${name} once, at creation; it was not stored because ${name}_public_key is not set ` +
      `(the provider never keeps it in plain text). Set ${name}_public_key and replace the resource to receive it.`,
  );
  return null;
}
