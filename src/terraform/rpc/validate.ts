/** ValidateResourceConfig and ValidateDataResourceConfig: the core's checks, values Terraform does not know yet left for later. */
import type { Props } from "../../core";
import { checkInputs } from "../../core";
import { decodeDynamic } from "../codec";
import type { DynamicValue } from "../codec";
import { attrStep, oneLine } from "../diagnostics";
import type { Scope } from "../diagnostics";
import type { ProviderState } from "../provider";
import { parsePublicKey } from "../sealed";
import type { TfDataSchema, TfResourceSchema } from "../schema";
import { secretsOf } from "../state";
import { propsFromTf } from "../values";
import type { TfObject } from "../values";

/** The core's checks of a resource configuration, as diagnostics; returns the checked inputs. */
export function checkConfig(rs: TfResourceSchema, cfg: TfObject, scope: Scope): Props {
  const kind = rs.kind;
  const { inputs, failures } = checkInputs(kind.fields, propsFromTf(rs.attrs, cfg), {
    check: kind.check?.bind(kind),
    allowUnknown: true,
  });
  scope.failures(`${kind.name} (${rs.typeName})`, kind.fields, failures);
  return inputs;
}

export function checkLookupArgs(ds: TfDataSchema, cfg: TfObject, scope: Scope): Props {
  const argAttrs = ds.attrs.filter((a) => a.field && ds.lookup.args[a.field]);
  const { inputs, failures } = checkInputs(ds.lookup.args, propsFromTf(argAttrs, cfg), { allowUnknown: true });
  scope.failures(ds.typeName, ds.lookup.args, failures);
  return inputs;
}

export async function validateResourceConfig(
  p: ProviderState,
  req: { type_name: string; config?: DynamicValue; client_capabilities?: { write_only_attributes_allowed?: boolean } },
  scope: Scope,
): Promise<object> {
  const rs = p.resource(req.type_name);
  const cfg = (decodeDynamic(req.config, rs.type) ?? {}) as TfObject;
  scope.addSecrets(secretsOf(rs, cfg));
  const writeOnlyOk = !!req.client_capabilities?.write_only_attributes_allowed;
  for (const a of rs.attrs) {
    if (a.writeOnly && cfg[a.name] !== null && !writeOnlyOk)
      scope.error(
        "Terraform 1.11 or later required",
        `${rs.kind.name} (${rs.typeName}): ${a.name} is a write-only attribute so that the secret never lands in ` +
          `plan or state; this Terraform does not support write-only attributes. Upgrade to Terraform 1.11+.`,
        attrStep(a.name),
      );
    if (a.role === "publicKey" && typeof cfg[a.name] === "string") {
      try {
        parsePublicKey(cfg[a.name] as string);
      } catch (err) {
        scope.error(
          `Invalid ${a.name}`,
          `${rs.kind.name} (${rs.typeName}): ${a.name} ${oneLine(err)}`,
          attrStep(a.name),
        );
      }
    }
  }
  checkConfig(rs, cfg, scope);
  return {};
}

export async function validateDataResourceConfig(
  p: ProviderState,
  req: { type_name: string; config?: DynamicValue },
  scope: Scope,
): Promise<object> {
  const ds = p.dataSource(req.type_name);
  checkLookupArgs(ds, (decodeDynamic(req.config, ds.type) ?? {}) as TfObject, scope);
  return {};
}
