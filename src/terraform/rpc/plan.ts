/**
 * PlanResourceChange: Terraform's prior state is the object ReadResource just read from Spot, so the core plans
 * the configuration against it without calling the API. This module encodes the core's plan as Terraform wants
 * it: the planned state (unknowns where the core cannot promise a value), requires_replace, and diagnostics.
 */
import type { ChangePlan } from "../../core";
import { isInput, plan, snakeCase } from "../../core";
import { UNKNOWN, decodeDynamic, encodeDynamic } from "../codec";
import type { DynamicValue } from "../codec";
import { attrStep, fieldWorded } from "../diagnostics";
import type { Scope } from "../diagnostics";
import { parsePrivate, secretMemory } from "../private-state";
import type { ProviderState } from "../provider";
import type { TfResourceSchema } from "../schema";
import { defaultOf, liveFromState, markNestedComputed, secretsOf } from "../state";
import { fieldPathToSteps, fieldToTf, propsFromTf } from "../values";
import type { PathStep, TfObject } from "../values";

/** The core's problems as diagnostics at the attributes they concern. */
export function reportProblems(rs: TfResourceSchema, id: unknown, cp: ChangePlan, scope: Scope): void {
  const what = `${rs.kind.name} (${rs.typeName})${id ? ` ${id}` : ""}`;
  for (const x of cp.problems) {
    if (x.type === "invalid") scope.failures(what, rs.kind.fields, [x]);
    else if (x.type === "rejected")
      scope.error(
        `Cannot change ${snakeCase(x.field)}`,
        `${what}: ${fieldWorded(x.field, x.message)}`,
        attrStep(snakeCase(x.field)),
      );
    else
      scope.error(
        `Refusing to ${x.action === "delete" ? "delete" : "replace"} ${rs.kind.name}${id ? ` ${id}` : ""}`,
        `${what}: ${x.message.replace(/\ballowDeletion\b/g, "allow_deletion")}. Set allow_deletion = true and apply first, then ${x.action === "delete" ? "destroy" : "apply again"}; ` +
          `to stop managing it and keep it, run terraform state rm ${rs.typeName}.<name>.`,
        attrStep("allow_deletion"),
      );
  }
}

export async function planResourceChange(
  p: ProviderState,
  req: {
    type_name: string;
    prior_state?: DynamicValue;
    proposed_new_state?: DynamicValue;
    config?: DynamicValue;
    prior_private?: Uint8Array;
  },
  scope: Scope,
): Promise<object> {
  const rs = p.resource(req.type_name);
  const kind = rs.kind;
  const prior = decodeDynamic(req.prior_state, rs.type) as TfObject | null;
  const proposed = decodeDynamic(req.proposed_new_state, rs.type) as TfObject | null;
  const config = decodeDynamic(req.config, rs.type) as TfObject | null;
  const priv = parsePrivate(req.prior_private);
  scope.addSecrets(secretsOf(rs, config));
  const live = prior ? liveFromState(rs, prior, priv) : null;

  if (!proposed) {
    if (prior) {
      const cp = await plan({ kind, desired: null, id: String(prior.id), live, prior: live ?? undefined });
      reportProblems(rs, prior.id, cp, scope);
    }
    return { planned_state: encodeDynamic(null), planned_private: req.prior_private };
  }

  const cfg = config ?? proposed;
  const cp = await plan({
    kind,
    desired: propsFromTf(rs.attrs, cfg),
    id: prior ? String(prior.id) : undefined,
    live,
    prior: live ?? undefined,
    secrets: secretMemory(priv),
    // With a context the core runs the kind's verify (e.g. policy actions against Spot's catalogue), so that a
    // typo fails the plan, not the apply. `live` is given, so the core reads nothing.
    ctx: p.configured ? p.context(scope, `${kind.name} ${prior?.id ?? "(new)"}`) : undefined,
  });
  reportProblems(rs, prior?.id, cp, scope);
  const changed = new Set(cp.changes.map((c) => c.field));
  const requiresReplace: { steps: PathStep[] }[] = cp.replaceFields.map((field) => ({
    steps: rs.secretInputs.includes(field)
      ? attrStep(`${snakeCase(field)}_version`)
      : fieldPathToSteps(kind.fields, field),
  }));

  const planned: TfObject = { ...proposed };
  for (const a of rs.attrs) {
    const c = cfg[a.name];
    switch (a.role) {
      case "id":
        planned[a.name] = prior ? prior[a.name] : UNKNOWN;
        break;
      case "field":
        if (a.writeOnly) planned[a.name] = null;
        else if (!isInput(a.def!)) planned[a.name] = fieldToTf(a.def!.type, cp.planned[a.field!]);
        else if (c === null && defaultOf(a) !== undefined) planned[a.name] = defaultOf(a);
        else if (!prior && c === null) planned[a.name] = a.computed ? UNKNOWN : null;
        else planned[a.name] = markNestedComputed(a, proposed[a.name]);
        break;
      case "secretVersion": {
        const given = cfg[snakeCase(a.field!)];
        const before = prior && typeof prior[a.name] === "number" ? (prior[a.name] as number) : null;
        if (!prior) planned[a.name] = given !== null ? 1 : null;
        else if (given === UNKNOWN) planned[a.name] = UNKNOWN;
        else planned[a.name] = given !== null && changed.has(a.field!) ? (before ?? 0) + 1 : before;
        break;
      }
      case "sealed":
        planned[a.name] = prior ? prior[a.name] : cfg[`${snakeCase(a.field!)}_public_key`] !== null ? UNKNOWN : null;
        // Returned once, at creation: a value that never arrived (adopted, imported, or lost) cannot come later.
        if (prior && prior[a.name] === null && typeof cfg[`${snakeCase(a.field!)}_public_key`] === "string")
          scope.warn(
            `${snakeCase(a.field!)} was never delivered`,
            `${kind.name} ${prior.id}: Spot returns ${snakeCase(a.field!)} only when the object is created, and this one ` +
              `has none in state (imported, or created before ${snakeCase(a.field!)}_public_key was set). To get one, ` +
              `replace it: terraform apply -replace=${rs.typeName}.<name>`,
            attrStep(a.name),
          );
        break;
      case "publicKey":
        planned[a.name] = c;
        if (prior && c !== UNKNOWN && c !== prior[a.name])
          scope.warn(
            `${a.name} changed after creation`,
            `${kind.name} ${prior.id}: Spot returns ${snakeCase(a.field!)} only at creation, so encrypted_${snakeCase(a.field!)} ` +
              `keeps its current value. To get a new one sealed to this key, replace the resource (terraform apply -replace=<address>).`,
            attrStep(a.name),
          );
        break;
      default:
        planned[a.name] = c;
    }
  }
  return {
    planned_state: encodeDynamic(planned, rs.type),
    planned_private: req.prior_private,
    requires_replace: prior ? requiresReplace : [],
  };
}
