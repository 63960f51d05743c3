/** Wire conventions and the semantics the emulator chose where public sources are silent (docs/emulator.md). */
import { withEmulator } from "../support/emulator";
import { call, errorCode, items } from "./http";

const emu = withEmulator();
const api = (method: string, path: string, body?: unknown) => call(emu.url, method, path, { token: emu.token, body });

async function account(name: string): Promise<string> {
  return items(await api("POST", "/setup/account", { account: { name } }))[0].id;
}

describe("wire conventions", () => {
  test("routing is case-insensitive and ignores a trailing slash", async () => {
    expect((await api("GET", "/SETUP/Account/")).status).toBe(200);
    expect((await api("GET", `/setup/user/${emu.userId}/`)).status).toBe(200);
  });

  test("JSON bodies on GET and DELETE are accepted (Go's SDK sends them)", async () => {
    const a = await api("GET", `/setup/account/${emu.accountId}`, { account: emu.accountId });
    expect(items(a)[0].id).toBe(emu.accountId);
  });

  test("an unparsable body is a ValidationError on field body", async () => {
    const a = await call(emu.url, "POST", "/setup/account", { token: emu.token, rawBody: "{oops" });
    expect(a.body.response.errors[0]).toMatchObject({ code: "ValidationError", field: "body" });
  });

  test("unknown routes answer 404 in the envelope", async () => {
    const a = await api("GET", "/setup/nothing");
    expect(a.status).toBe(404);
    expect(a.body.response.errors[0].code).toBe("UNKNOWN_ROUTE");
  });

  test("request.url echoes path and query; timestamp is ISO-8601", async () => {
    const a = await api("GET", "/setup/account?cloudAccountId=none");
    expect(a.body.request).toMatchObject({ url: "/setup/account?cloudAccountId=none", method: "GET" });
    expect(new Date(a.body.request.timestamp).toISOString()).toBe(a.body.request.timestamp);
    expect(items(a)).toEqual([]);
  });

  test("null means unset", async () => {
    const id = await account("nullable");
    await api("PUT", `/setup/account/${id}`, {
      account: { slackNotificationChannels: ["https://hooks.slack.com/services/A"] },
    });
    const a = await api("PUT", `/setup/account/${id}`, { account: { name: null, slackNotificationChannels: null } });
    expect(a.status).toBe(200);
    const got = items(await api("GET", `/setup/account/${id}`))[0];
    expect(got).toMatchObject({ name: "nullable", slackNotificationChannels: [] });
    const u = await api("POST", "/setup/user", {
      firstName: "N",
      lastName: "U",
      email: "null@example.com",
      role: null,
      password: null,
    });
    expect(u.status).toBe(200);
  });

  test("validation errors name the field and the fix", async () => {
    const a = await api("POST", "/setup/user", { firstName: "A+B", lastName: "C", email: "x@example.com" });
    expect(a.body.response.errors[0]).toEqual({
      code: "ValidationError",
      message: '"firstName" cannot include these characters: + = @',
      field: "body.firstName",
    });
    const b = await api("POST", "/setup/user", {
      firstName: "A",
      lastName: "C",
      email: "y@example.com",
      password: "short",
    });
    expect(b.body.response.errors[0].field).toBe("body.password");
  });
});

describe("accounts", () => {
  test("account names may repeat (Go's SDK de-duplicates client-side)", async () => {
    const a = await account("twin");
    const b = await account("twin");
    expect(a).not.toBe(b);
  });

  test("accountId defaults to the organization's oldest account where the spec makes it optional", async () => {
    const sub = await api("POST", "/events/subscription", {
      subscription: {
        resourceId: "sig-12345678",
        protocol: "email",
        endpoint: "a@example.com",
        eventType: "GROUP_UPDATED",
      },
    });
    expect(sub.status).toBe(200);
    const listed = items(await api("GET", `/events/subscription?accountId=${emu.accountId}`)).map((x) => x.id);
    expect(listed).toContain(items(sub)[0].id);
  });

  test("the external id is stable until it expires", async () => {
    const id = await account("ext");
    const a = items(await api("POST", `/setup/credentials/aws/externalId?accountId=${id}`))[0];
    const b = items(await api("POST", `/setup/credentials/aws/externalId?accountId=${id}`))[0];
    expect(b).toEqual(a);
    expect(Date.parse(a.maxValidUntil)).toBeGreaterThan(Date.now());
  });

  test("one cloud provider per account; the same provider may be re-posted", async () => {
    const id = await account("one-cloud");
    const role = (n: string) => ({ credentials: { iamRole: `arn:aws:iam::${n}:role/Spot` } });
    expect((await api("POST", `/setup/credentials/aws?accountId=${id}`, role("111111111111"))).status).toBe(200);
    expect((await api("POST", `/setup/credentials/aws?accountId=${id}`, role("222222222222"))).status).toBe(200);
    expect(items(await api("GET", `/setup/account?cloudAccountId=222222222222`)).map((a) => a.accountId)).toEqual([id]);
    const gcp = await api("POST", `/gcp/setup/credentials?accountId=${id}`, {
      serviceAccount: {
        type: "service_account",
        project_id: "p",
        private_key_id: "k",
        private_key: "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----",
        client_email: "a@p.iam.gserviceaccount.com",
        client_id: "1",
      },
    });
    expect(errorCode(gcp)).toBe("ACCOUNT_ALREADY_CONNECTED");
  });

  test("deleting an account removes the mappings that pointed at it", async () => {
    const id = await account("short");
    const u = items(
      await api("POST", "/setup/user/programmatic", { name: "p", accounts: [{ id, role: "viewer" }] }),
    )[0];
    await api("PUT", `/setup/user/${u.id}/policyMapping`, {
      policies: [{ policyId: "3", accountIds: [id, emu.accountId] }],
    });
    expect((await api("DELETE", `/setup/account/${id}`)).status).toBe(200);
    const d = items(await api("GET", `/setup/user/${u.id}`))[0];
    expect(d.accounts).toEqual([]);
    expect(d.policies[0].accountIds).toEqual([emu.accountId]);
  });
});

describe("users and mappings", () => {
  let userId: string;
  let group1: string;
  let group2: string;
  let pol: string;
  beforeAll(async () => {
    userId = items(await api("POST", "/setup/user", { firstName: "Map", lastName: "Me", email: "map@example.com" }))[0]
      .userId;
    group1 = items(await api("POST", "/setup/access/userGroup", { name: "g1" }))[0].id;
    group2 = items(await api("POST", "/setup/access/userGroup", { name: "g2" }))[0].id;
    pol = items(
      await api("POST", "/setup/access/policy", {
        policy: {
          name: "p1",
          policyContent: { statements: [{ effect: "ALLOW", actions: ["ocean:*"], resources: ["*"] }] },
        },
      }),
    )[0].id;
  });

  test("a viewer is linked to the default account", async () => {
    const m = items(await api("GET", "/setup/accountUserMapping?userEmail=map@example.com"));
    expect(m).toEqual([{ accountId: emu.accountId, role: "viewer", permissionStrategy: "ROLE_BASED" }]);
  });

  test("mapping PUTs replace the whole mapping", async () => {
    await api("PUT", `/setup/user/${userId}/userGroupMapping`, { userGroupIds: [group1, group2] });
    await api("PUT", `/setup/user/${userId}/userGroupMapping`, { userGroupIds: [group2] });
    expect(items(await api("GET", `/setup/user/${userId}`))[0].userGroupIds).toEqual([group2]);
    await api("PUT", `/setup/user/${userId}/policyMapping`, { policies: [{ policyId: pol, accountIds: ["*"] }] });
    await api("PUT", `/setup/user/${userId}/policyMapping`, {
      policies: [{ policyId: "3", accountIds: [emu.accountId] }],
    });
    expect(items(await api("GET", `/setup/user/${userId}`))[0].policies.map((p: any) => p.policyId)).toEqual(["3"]);
    await api("PUT", `/setup/access/userGroup/${group1}/userMapping`, { userIds: [userId, emu.userId] });
    await api("PUT", `/setup/access/userGroup/${group1}/userMapping`, { userIds: [emu.userId] });
    const g = items(await api("GET", `/setup/access/userGroup/${group1}`))[0];
    expect(g.userIds).toEqual([emu.userId]);
  });

  test("group and policy names are unique in an organization", async () => {
    expect(errorCode(await api("POST", "/setup/access/userGroup", { name: "G1" }))).toBe("USER_GROUP_ALREADY_EXISTS");
    const p = await api("POST", "/setup/access/policy", {
      policy: { name: "P1", policyContent: { statements: [{ effect: "ALLOW", actions: ["*"], resources: ["*"] }] } },
    });
    expect(errorCode(p)).toBe("POLICY_ALREADY_EXISTS");
  });

  test("deleting a policy removes it from users and groups", async () => {
    await api("PUT", `/setup/user/${userId}/policyMapping`, { policies: [{ policyId: pol, accountIds: ["*"] }] });
    await api("PUT", `/setup/access/userGroup/${group2}/policyMapping`, {
      policies: [{ policyId: pol, accountIds: ["*"] }],
    });
    expect((await api("DELETE", `/setup/access/policy/${pol}`)).status).toBe(200);
    expect(items(await api("GET", `/setup/user/${userId}`))[0].policies).toEqual([]);
    expect(items(await api("GET", `/setup/access/userGroup/${group2}`))[0].policies).toEqual([]);
  });

  test("built-in policy 3 cannot be changed or deleted", async () => {
    expect(errorCode(await api("DELETE", "/setup/access/policy/3"))).toBe("POLICY_IS_BUILT_IN");
  });

  test("the organization's last admin cannot be deleted", async () => {
    expect(errorCode(await api("DELETE", `/setup/user/${emu.userId}`))).toBe("CANT_DELETE_LAST_ADMIN");
  });

  test("PUT/DELETE on an account the user is not attached to is a not-found", async () => {
    const id = await account("unattached");
    expect(errorCode(await api("PUT", `/setup/account/${id}/user`, { userId, role: "editor" }))).toBe(
      "UserAccountMapping_DOESNT_EXIST",
    );
    expect(errorCode(await api("DELETE", `/setup/account/${id}/user`, { userEmail: "map@example.com" }))).toBe(
      "UserAccountMapping_DOESNT_EXIST",
    );
    expect(
      (await api("POST", `/setup/account/${id}/user`, { userEmail: "map@example.com", role: "viewer" })).status,
    ).toBe(200);
    expect(
      (await api("POST", `/setup/account/${id}/user`, { userEmail: "map@example.com", role: "editor" })).status,
    ).toBe(200);
    const m = items(await api("GET", "/setup/accountUserMapping?userEmail=map@example.com")).find(
      (x) => x.accountId === id,
    );
    expect(m.role).toBe("editor");
  });

  test("a programmatic user's token authenticates as that user", async () => {
    const p = items(
      await api("POST", "/setup/user/programmatic", { name: "ci", accounts: [{ id: emu.accountId, role: "viewer" }] }),
    )[0];
    const a = await call(emu.url, "GET", "/setup/account", { token: p.token });
    expect(items(a).map((x) => x.accountId)).toEqual([emu.accountId]);
    const d = items(await api("GET", `/setup/user/${p.id}`))[0];
    expect(d.tokens).toHaveLength(1);
    expect(d.tokens[0].tokenLastDigits).toBe(p.token.slice(-4));
  });
});

describe("notification center", () => {
  test("exactly one resource selector; private policies take no subscriptions", async () => {
    const base = { privacyLevel: "public", computePolicyConfig: { events: [{ event: "x", type: "INFO" }] } };
    const none = await api("POST", `/notificationCenter/policy?accountId=${emu.accountId}`, base);
    expect(none.body.response.errors[0]).toMatchObject({ code: "ValidationError", field: "body.computePolicyConfig" });
    const priv = await api("POST", `/notificationCenter/policy?accountId=${emu.accountId}`, {
      privacyLevel: "private",
      subscriptions: [{ type: "email", endpoint: "a@example.com" }],
      computePolicyConfig: { events: [{ event: "x", type: "INFO" }], shouldIncludeAllResources: true },
    });
    expect(priv.body.response.errors[0].field).toBe("body.subscriptions");
  });

  test("another user's private policy does not exist for them", async () => {
    const created = await api("POST", `/notificationCenter/policy?accountId=${emu.accountId}`, {
      name: "secret-ops",
      privacyLevel: "private",
      computePolicyConfig: { events: [{ event: "x", type: "INFO" }], shouldIncludeAllResources: true },
    });
    const id = items(created)[0].id;
    const other = items(
      await api("POST", "/setup/user/programmatic", { name: "nc", accounts: [{ id: emu.accountId, role: "editor" }] }),
    )[0].token;
    const seen = await call(emu.url, "GET", `/notificationCenter/policy/${id}`, { token: other });
    expect(errorCode(seen)).toBe("NotificationPolicy_DOESNT_EXIST");
    const list = items(await call(emu.url, "GET", "/notificationCenter/policy", { token: other }));
    expect(list.map((p) => p.policyId)).not.toContain(id);
  });
});

describe("ids", () => {
  it("never hands out an id already in use, even when the random draw collides", () => {
    const { Store } = require("../../src/emulator/store");
    const ids = require("../../src/emulator/ids");
    const store = new Store();
    const spy = jest.spyOn(ids, "hexId");
    spy.mockReturnValueOnce("act-00000001").mockReturnValueOnce("act-00000001").mockReturnValueOnce("act-00000002");
    const first = store.newId("account", "act-");
    store.insert("account", "606000000001", { id: first, name: "a" });
    expect(store.newId("account", "act-")).toBe("act-00000002");
    spy.mockRestore();
    store.close?.();
  });
});
