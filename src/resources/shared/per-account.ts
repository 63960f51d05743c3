/**
 * Kinds that belong to one account and whose id is that account's id: the AWS external id and the three cloud
 * connections. Spot has no DELETE for any of them.
 */
import { InvalidImportId } from "../../core/errors";
import type { Field } from "../../core/schema";
import type { ResourceContext } from "../../core/kind";
import { accountIdProblem } from "./ids";

/** `accountId` of a kind that belongs to one account: moving it to another account is a new object. */
export function accountIdField(what: string): Field {
  return {
    type: "string",
    required: true,
    ref: "Account",
    onChange: "replace",
    validate: accountIdProblem,
    description: `Id of the Spot account (act-…) ${what}. Changing it replaces the object.`,
  };
}

/** Spot has no DELETE for cloud credentials or external ids: deleting one only stops managing it. */
export function forgetConnection(ctx: ResourceContext, what: string, accountId: string): void {
  ctx.warn(
    `${what} of account ${accountId} forgotten, not deleted: Spot's API has no DELETE for it, so it stays with the ` +
      `account in Spot. Remove it in the Spot console if it must go (deleting the account removes it too).`,
  );
}

/** delete/find/importById of such a kind: delete forgets with a warning; find and import read by account. */
export function perAccountOps<O>(
  kindName: string,
  what: string,
  read: (ctx: ResourceContext, accountId: string) => Promise<O | undefined>,
) {
  return {
    async delete({ ctx, id }: { ctx: ResourceContext; id: string }): Promise<void> {
      forgetConnection(ctx, what, id);
    },
    async find({ ctx, inputs }: { ctx: ResourceContext; inputs: { accountId: string } }) {
      const outputs = await read(ctx, inputs.accountId);
      return outputs && { id: inputs.accountId, outputs };
    },
    async importById({ ctx, importId }: { ctx: ResourceContext; importId: string }) {
      const id = importId.trim();
      const problem = accountIdProblem(id);
      if (problem) throw new InvalidImportId(kindName, id, "act-<id> (the account id)", "act-12ab34cd", problem);
      const outputs = await read(ctx, id);
      return outputs && { id, outputs };
    },
  };
}
