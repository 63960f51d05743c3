import { requireAccount, requireOrg, visibleAccounts } from "../auth";
import { newAccount } from "../bootstrap";
import type { Ctx, RouteDef } from "../context";
import { badRequest } from "../errors";
import type { Account } from "../model";
import * as v from "../validate";
import { accountById, oldestAccount } from "./common";

const NS = "GENERAL";
const KIND = "spotinst:setup:account";

function createAccount(ctx: Ctx) {
  requireOrg(ctx, "admin", "setup:createAccount");
  const b = v.body(ctx.body, true);
  const a = v.object(b, "account", "body.account", true);
  const name = v.string(a, "name", "body.account.name", { required: true, letter: true, ...v.NAME });
  // Names are not unique: Spot's Go SDK de-duplicates by name client-side, so the server accepts duplicates.
  const acc = newAccount(ctx.store, ctx.principal.orgId, name, ctx.now);
  ctx.store.insert("account", acc.orgId, acc);
  ctx.audit.resourceId = acc.id;
  ctx.audit.accountId = acc.id;
  return { kind: KIND, items: [{ id: acc.id, name: acc.name, organizationId: acc.orgId }] };
}

/** List item: `accountId` (not `id`), organizationId as a string (what Go's SDK decodes). */
function listItem(a: Account) {
  const item: Record<string, unknown> = {
    accountId: a.id,
    organizationId: a.orgId,
    name: a.name,
    createdAt: a.createdAt,
  };
  if (a.providerExternalId) item.providerExternalId = a.providerExternalId;
  if (a.cloudProvider) item.cloudProvider = a.cloudProvider;
  return item;
}

function listAccounts(ctx: Ctx) {
  const cloudAccountId = v.queryString(ctx.query, "cloudAccountId", false);
  const visible = visibleAccounts(ctx);
  const accounts =
    visible === "all"
      ? ctx.store.list("account", ctx.principal.orgId)
      : ctx.store.inOrder("account", ctx.principal.orgId, visible);
  const items = accounts
    .filter((a) => cloudAccountId === undefined || a.providerExternalId === cloudAccountId)
    .map(listItem);
  return { kind: KIND, items };
}

function getAccount(ctx: Ctx) {
  const acc = accountById(ctx, ctx.params.accountId, "path.accountId");
  requireAccount(ctx, acc, "read", "setup:describeAccount");
  return {
    kind: KIND,
    items: [{ id: acc.id, ...listItem(acc), slackNotificationChannels: acc.slackNotificationChannels }],
  };
}

function updateAccount(ctx: Ctx) {
  const acc = accountById(ctx, ctx.params.accountId, "path.accountId");
  ctx.audit.accountId = acc.id;
  requireAccount(ctx, acc, "admin", "setup:updateAccount");
  const b = v.body(ctx.body, true);
  const a = v.object(b, "account", "body.account", true);
  const name = v.string(a, "name", "body.account.name", { nonEmpty: true, letter: true, ...v.NAME });
  if (name !== undefined) acc.name = name;
  if (a.slackNotificationChannels === null) acc.slackNotificationChannels = [];
  const channels = v.stringArray(a, "slackNotificationChannels", "body.account.slackNotificationChannels");
  if (channels !== undefined) {
    channels.forEach((c, i) => {
      if (!/^https:\/\/\S+$/.test(c)) {
        throw badRequest(
          "ValidationError",
          `"slackNotificationChannels[${i}]" must be an https:// webhook URL`,
          `body.account.slackNotificationChannels[${i}]`,
        );
      }
    });
    acc.slackNotificationChannels = channels;
  }
  ctx.store.update("account", acc);
  return {};
}

function deleteAccount(ctx: Ctx) {
  const acc = accountById(ctx, ctx.params.accountId, "path.accountId");
  ctx.audit.accountId = acc.id;
  requireAccount(ctx, acc, "admin");
  if (oldestAccount(ctx.store, acc.orgId)?.id === acc.id) {
    throw badRequest(
      "CANT_DELETE_DEFAULT_ACCOUNT",
      `Account ${acc.id} is the organization's default account and cannot be deleted through the API; contact Support`,
      "path.accountId",
    );
  }
  removeAccountReferences(ctx, acc);
  ctx.store.remove("account", acc.id);
  return {};
}

/** Deleting an account removes what pointed at it: user mappings, policy scopes, notification objects. */
function removeAccountReferences(ctx: Ctx, acc: Account): void {
  const { store } = ctx;
  // Through the store's index of users by the accounts they name, not a scan of every member.
  for (const id of store.usersReferring("account", acc.id)) {
    const u = store.get("user", id)!;
    delete u.accounts[acc.id];
    for (const p of u.policies) p.accountIds = p.accountIds.filter((x) => x !== acc.id);
    store.update("user", u);
  }
  for (const seen of store.list("group", acc.orgId)) {
    if (!seen.policies.some((p) => p.accountIds.includes(acc.id))) continue;
    const g = store.get("group", seen.id)!;
    for (const p of g.policies) p.accountIds = p.accountIds.filter((x) => x !== acc.id);
    store.update("group", g);
  }
  for (const n of store.list("npolicy", acc.orgId)) if (n.accountId === acc.id) store.remove("npolicy", n.id);
  for (const s of store.list("subscription", acc.orgId)) if (s.accountId === acc.id) store.remove("subscription", s.id);
  store.remove("accountPolicy", acc.id);
}

export const accountRoutes: RouteDef[] = [
  {
    method: "POST",
    path: "/setup/account",
    inSpec: true,
    handler: createAccount,
    audit: { namespace: NS, actionType: "Create Account", resourceType: "Account" },
  },
  { method: "GET", path: "/setup/account", inSpec: true, handler: listAccounts },
  { method: "GET", path: "/setup/account/{accountId}", inSpec: false, handler: getAccount },
  {
    method: "PUT",
    path: "/setup/account/{accountId}",
    inSpec: true,
    handler: updateAccount,
    audit: { namespace: NS, actionType: "Update Account", resourceType: "Account" },
  },
  {
    method: "DELETE",
    path: "/setup/account/{accountId}",
    inSpec: true,
    handler: deleteAccount,
    audit: { namespace: NS, actionType: "Delete Account", resourceType: "Account" },
  },
];
