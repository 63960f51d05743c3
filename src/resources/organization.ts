/**
 * Organization: POST /setup/organization creates a linked organization (the caller becomes its admin);
 * DELETE /setup/organization/{id} deletes it. Spot has no endpoint that reads, lists or renames an organization,
 * so state is the only record of it: reads return what state holds, and an organization deleted outside
 * spot-iac is not noticed until an operation on it fails.
 */
import type { Organization as WireOrganization } from "../api/types";
import { isSpotApiError } from "../api/errors";
import { InvalidImportId, NotSupported, OutcomeUnknown } from "../core/errors";
import type { ResourceContext, ResourceKind } from "../core/kind";
import { orGone } from "./shared/gone";
import { nameProblem } from "./shared/ids";

export interface OrganizationInputs {
  name: string;
  allowDeletion?: boolean;
}

export interface OrganizationOutputs extends OrganizationInputs {
  organizationId: string;
}

const ORG_ID = /^\d{1,20}$/;

const IMPORT_FORMAT = "<organizationId>/<name> (numeric id, then the current name)";
const IMPORT_EXAMPLE = "606012345678/acme";

/** "<organizationId>/<name>": Spot cannot tell an organization's name, so the import id states it. */
function parseImportId(importId: string): { id: string; name: string } {
  const s = importId.trim();
  const slash = s.indexOf("/");
  const id = slash < 0 ? s : s.slice(0, slash);
  const name = slash < 0 ? "" : s.slice(slash + 1);
  if (!ORG_ID.test(id) || !name) {
    throw new InvalidImportId(
      "Organization",
      importId,
      IMPORT_FORMAT,
      IMPORT_EXAMPLE,
      `must be "<organizationId>/<name>" (e.g. "${IMPORT_EXAMPLE}"): the numeric organization id and the ` +
        `organization's current name, which Spot's API cannot read`,
    );
  }
  const problem = nameProblem(name);
  if (problem)
    throw new InvalidImportId("Organization", importId, IMPORT_FORMAT, IMPORT_EXAMPLE, `has a name that ${problem}`);
  return { id, name };
}

/**
 * The only organization whose existence spot-iac can check is the one the token acts in (account list items
 * carry its id). Anything else would be a guess.
 */
async function verifyOwnOrganization(ctx: ResourceContext, id: string): Promise<void> {
  const own = await ctx.client.organizations.current();
  if (own.organizationId !== id) {
    throw new NotSupported(
      "Organization",
      "read",
      `Spot has no endpoint to read organization ${id}, so spot-iac can only take over the organization its token ` +
        `belongs to (${own.organizationId}); use a token of organization ${id}, or keep it out of spot-iac`,
    );
  }
}

export const organization: ResourceKind<OrganizationInputs, OrganizationOutputs> = {
  name: "Organization",
  description:
    "A Spot organization created under the token's organization (POST /setup/organization); the token's user " +
    "becomes its admin. Spot's API cannot read, list or rename organizations: the name is fixed after creation, " +
    "an organization deleted or renamed outside spot-iac cannot be detected (spot-iac keeps what it last recorded), and " +
    'an existing organization can only be taken over (import id "<organizationId>/<name>") with a token of that ' +
    "organization. Deleting one cannot be undone, so it is refused unless allowDeletion is true.",
  importId: { format: IMPORT_FORMAT, example: IMPORT_EXAMPLE },
  naturalKey: ["name"],
  irreversibleDelete: true,
  fields: {
    name: {
      type: "string",
      required: true,
      onChange: "reject",
      rejectHint:
        "Spot's API has no endpoint to rename an organization: rename it in the Spot console (Settings → " +
        "Organization), then set name in the declaration to the new name.",
      validate: nameProblem,
      description:
        "Name of the organization. Must contain at least one letter. Cannot be changed through Spot's API: a " +
        "different name fails the plan (rename in the console, then update the declaration).",
    },
    allowDeletion: {
      type: "bool",
      optional: true,
      local: true,
      default: false,
      description:
        "Deleting an organization cannot be undone: spot-iac refuses to delete (or replace) it unless this is " +
        "true, applied before the deletion. A setting of spot-iac only; never sent to Spot.",
    },
    organizationId: {
      type: "string",
      stable: true,
      description: "Id of the organization (numeric); also the resource id.",
    },
  },

  async read({ ctx, id, prior }) {
    // No read endpoint: state is the record. Without state, only the token's own organization can be confirmed.
    if (prior?.name) {
      return { organizationId: id, name: prior.name, allowDeletion: prior.allowDeletion ?? false };
    }
    await verifyOwnOrganization(ctx, id);
    throw new NotSupported(
      "Organization",
      "read",
      `organization ${id} exists, but Spot's API cannot tell its name; take it over with the import id ` +
        `"${id}/<name>" (e.g. "${id}/acme")`,
    );
  },

  normalizeLive(live) {
    return { ...live, allowDeletion: live.allowDeletion ?? false };
  },

  async create({ ctx, inputs }) {
    let created: WireOrganization;
    try {
      // No findExisting: nothing can look an organization up, so the client never re-posts after an ambiguous
      // failure (a blind retry could create a second organization).
      created = await ctx.client.organizations.create({ name: inputs.name });
    } catch (e) {
      const ambiguous =
        isSpotApiError(e) && (e.status === undefined || e.status >= 500) && e.code !== "CLIENT_VALIDATION";
      if (!ambiguous) throw e;
      throw new OutcomeUnknown(
        "Organization",
        `creating organization ${JSON.stringify(inputs.name)} failed in a way that may have created it anyway ` +
          `(${(e as Error).message}). Spot's API cannot look organizations up, so spot-iac did not retry: check the ` +
          `Spot console for an organization with this name before running again; if it exists, take it over with ` +
          `the import id "<organizationId>/${inputs.name}" using a token of that organization`,
      );
    }
    const id = created.organizationId;
    if (!id)
      throw new OutcomeUnknown(
        "Organization",
        `Spot created organization ${JSON.stringify(inputs.name)} but did not return its id`,
      );
    return {
      id,
      outputs: {
        organizationId: id,
        name: created.organizationName ?? inputs.name,
        allowDeletion: inputs.allowDeletion ?? false,
      },
    };
  },

  async update({ id, inputs, live }) {
    // Only allowDeletion (local) can change, and the core never calls update for local-only changes; name is
    // "reject", so the core refuses it before any update is planned.
    return { ...live, organizationId: id, allowDeletion: inputs.allowDeletion ?? false };
  },

  async delete({ ctx, id }) {
    await orGone(ctx.client.organizations.delete(id));
  },

  async find() {
    throw new NotSupported(
      "Organization",
      "find",
      "Spot's API cannot list or read organizations, so an Organization cannot be found by name; take it over by " +
        'its import id "<organizationId>/<name>" with a token of that organization',
    );
  },

  async importById({ ctx, importId }) {
    const { id, name } = parseImportId(importId);
    await verifyOwnOrganization(ctx, id);
    return { id, outputs: { organizationId: id, name, allowDeletion: false } };
  },
};
