/** Authentication (401), roles and policies (403), tenancy (other organizations invisible), linked organizations. */
import { withEmulator } from "../support/emulator";
import { call, errorCode, items } from "./http";

const emu = withEmulator();
const api = (method: string, path: string, token: string | null, body?: unknown) =>
  call(emu.url, method, path, { token, body });

async function newAccount(name: string, token = emu.token): Promise<string> {
  const a = await api("POST", "/setup/account", token, { account: { name } });
  expect(a.status).toBe(200);
  return items(a)[0].id;
}

async function newPolicy(name: string, statements: unknown[]): Promise<string> {
  const a = await api("POST", "/setup/access/policy", emu.token, { policy: { name, policyContent: { statements } } });
  expect(a.status).toBe(200);
  return items(a)[0].id;
}

async function programmatic(body: Record<string, unknown>): Promise<string> {
  const a = await api("POST", "/setup/user/programmatic", emu.token, { name: "bot", ...body });
  expect(a.status).toBe(200);
  return items(a)[0].token;
}

describe("authentication", () => {
  test.each([
    ["no Authorization header", undefined],
    ["a non-bearer scheme", "Basic Zm9vOmJhcg=="],
    ["an unknown token", "Bearer 0123456789abcdef"],
  ])("401 with %s", async (_what, header) => {
    const res = await fetch(`${emu.url}/setup/account`, { headers: header ? { Authorization: header } : {} });
    expect(res.status).toBe(401);
    const body = (await res.json()) as any;
    expect(body.response.errors[0].code).toBe("UNAUTHORIZED");
    expect(body.response.status).toEqual({ code: 401, message: "Unauthorized" });
  });

  test("a deleted user's token stops working", async () => {
    const token = await programmatic({ name: "short-lived", accounts: [{ id: emu.accountId, role: "viewer" }] });
    expect((await api("GET", "/setup/account", token)).status).toBe(200);
    const users = items(await api("GET", "/setup/organization/user", emu.token));
    const id = users.find((u) => u.username === "short-lived").userId;
    expect((await api("DELETE", `/setup/user/${id}`, emu.token)).status).toBe(200);
    expect((await api("GET", "/setup/account", token)).status).toBe(401);
  });
});

describe("tenancy", () => {
  let other: { token: string; accountId: string; userId: string; organizationId: string };
  beforeAll(async () => {
    other = await emu.control.bootstrap({ organizationName: "Other Org", adminEmail: "boss@other.example" });
  });

  test("another organization's objects do not exist for a token", async () => {
    const mine = await newAccount("tenant-a");
    expect(errorCode(await api("GET", `/setup/account/${mine}`, other.token))).toBe("Account_DOESNT_EXIST");
    expect(errorCode(await api("DELETE", `/setup/account/${mine}`, other.token))).toBe("Account_DOESNT_EXIST");
    expect(errorCode(await api("GET", `/setup/user/${emu.userId}`, other.token))).toBe("User_DOESNT_EXIST");
    expect(errorCode(await api("GET", `/setup/credentials/aws?accountId=${mine}`, other.token))).toBe(
      "Account_DOESNT_EXIST",
    );
    expect(errorCode(await api("DELETE", `/setup/organization/${emu.organizationId}`, other.token))).toBe(
      "Organization_DOESNT_EXIST",
    );
    const theirs = items(await api("GET", "/setup/account", other.token)).map((a) => a.accountId);
    expect(theirs).toEqual([other.accountId]);
    expect((await api("GET", `/setup/account/${mine}`, emu.token)).status).toBe(200);
  });

  test("mapping another organization's account or policy is rejected as not found", async () => {
    const pol = await newPolicy("tenant-policy", [{ effect: "ALLOW", actions: ["ocean:*"], resources: ["*"] }]);
    const a = await api("PUT", `/setup/user/${other.userId}/policyMapping`, other.token, {
      policies: [{ policyId: pol, accountIds: ["*"] }],
    });
    expect(a.status).toBe(400);
    expect(a.body.response.errors[0]).toMatchObject({
      code: "Policy_DOESNT_EXIST",
      field: "body.policies[0].policyId",
    });
    const b = await api("PUT", `/setup/user/${other.userId}/policyMapping`, other.token, {
      policies: [{ policyId: "3", accountIds: [emu.accountId] }],
    });
    expect(b.body.response.errors[0]).toMatchObject({
      code: "Account_DOESNT_EXIST",
      field: "body.policies[0].accountIds[0]",
    });
  });
});

describe("organization roles", () => {
  async function userWithRole(role: string): Promise<string> {
    const a = await api("POST", "/setup/user?generateToken=true", emu.token, {
      firstName: "R",
      lastName: role,
      email: `${role}-${Math.random().toString(16).slice(2)}@example.com`,
      role,
    });
    expect(a.status).toBe(200);
    return items(a)[0].personalAccessToken;
  }

  test("viewer reads everything, changes nothing", async () => {
    const viewer = await userWithRole("viewer");
    expect((await api("GET", "/setup/account", viewer)).status).toBe(200);
    expect((await api("GET", "/setup/organization/user", viewer)).status).toBe(200);
    expect((await api("GET", `/audit/events?fromDate=0&toDate=${Date.now()}`, viewer)).status).toBe(200);
    const denied = await api("POST", "/setup/account", viewer, { account: { name: "nope" } });
    expect(denied.status).toBe(403);
    expect(denied.body.response.errors[0].code).toBe("FORBIDDEN");
    expect((await api("POST", `/setup/credentials/aws/externalId?accountId=${emu.accountId}`, viewer)).status).toBe(
      403,
    );
  });

  test("editor writes account-level objects but cannot administer", async () => {
    const editor = await userWithRole("editor");
    const acc = await newAccount("editable");
    expect((await api("POST", `/setup/credentials/aws/externalId?accountId=${acc}`, editor)).status).toBe(200);
    expect((await api("PUT", `/setup/account/${acc}`, editor, { account: { name: "renamed" } })).status).toBe(403);
    expect((await api("DELETE", `/setup/account/${acc}`, editor)).status).toBe(403);
    expect(
      (await api("POST", "/setup/user/programmatic", editor, { name: "x", accounts: [{ id: acc, role: "viewer" }] }))
        .status,
    ).toBe(403);
  });
});

describe("account roles and policies", () => {
  let a1: string;
  let a2: string;
  beforeAll(async () => {
    a1 = await newAccount("roles-1");
    a2 = await newAccount("roles-2");
  });

  test("an account viewer sees only its accounts and cannot change them", async () => {
    const t = await programmatic({ name: "viewer-bot", accounts: [{ id: a1, role: "viewer" }] });
    expect(items(await api("GET", "/setup/account", t)).map((x) => x.accountId)).toEqual([a1]);
    expect((await api("GET", `/setup/credentials/aws?accountId=${a1}`, t)).status).toBe(200);
    expect((await api("POST", `/setup/credentials/aws/externalId?accountId=${a1}`, t)).status).toBe(403);
    // a2 exists in the organization: refused, not hidden (Terraform would drop a "missing" account from state).
    expect(errorCode(await api("GET", `/setup/account/${a2}`, t))).toBe("FORBIDDEN");
    expect((await api("GET", "/setup/organization/user", t)).status).toBe(403);
  });

  test("an account editor changes its account", async () => {
    const t = await programmatic({ name: "editor-bot", accounts: [{ id: a1, role: "editor" }] });
    expect((await api("POST", `/setup/credentials/aws/externalId?accountId=${a1}`, t)).status).toBe(200);
    expect((await api("PUT", `/setup/account/${a1}`, t, { account: { name: "x" } })).status).toBe(403);
  });

  test("a policy granting setup:updateAccount allows it on the mapped account only; DENY wins", async () => {
    const allow = await newPolicy("update-accounts", [
      { effect: "ALLOW", actions: ["setup:updateAccount"], resources: ["*"] },
    ]);
    const t = await programmatic({ name: "policy-bot", policies: [{ policyId: allow, accountIds: [a1] }] });
    expect((await api("PUT", `/setup/account/${a1}`, t, { account: { name: "by-policy" } })).status).toBe(200);
    expect(errorCode(await api("PUT", `/setup/account/${a2}`, t, { account: { name: "x" } }))).toBe("FORBIDDEN");
    const deny = await newPolicy("no-updates", [{ effect: "DENY", actions: ["setup:update*"], resources: ["*"] }]);
    const t2 = await programmatic({
      name: "denied-bot",
      policies: [
        { policyId: allow, accountIds: ["*"] },
        { policyId: deny, accountIds: ["*"] },
      ],
    });
    expect((await api("PUT", `/setup/account/${a1}`, t2, { account: { name: "y" } })).status).toBe(403);
  });

  test("audit events need Organization Viewer or setup:describeAllAuditEvents", async () => {
    const q = `/audit/events?fromDate=0&toDate=${Date.now() + 1000}`;
    const plain = await programmatic({ name: "no-audit", accounts: [{ id: a1, role: "viewer" }] });
    expect((await api("GET", q, plain)).status).toBe(403);
    const auditors = await newPolicy("auditors", [
      { effect: "ALLOW", actions: ["setup:describeAllAuditEvents"], resources: ["*"] },
    ]);
    const t = await programmatic({ name: "auditor", policies: [{ policyId: auditors, accountIds: [] }] });
    expect((await api("GET", q, t)).status).toBe(200);
  });

  test("user groups pass their policies to members", async () => {
    const pol = await newPolicy("group-update", [
      { effect: "ALLOW", actions: ["setup:updateAccount"], resources: ["*"] },
    ]);
    const t = await programmatic({ name: "grouped", accounts: [{ id: a2, role: "viewer" }] });
    const users = items(await api("GET", "/setup/organization/user", emu.token));
    const id = users.find((u) => u.username === "grouped").userId;
    expect((await api("PUT", `/setup/account/${a2}`, t, { account: { name: "before" } })).status).toBe(403);
    const g = await api("POST", "/setup/access/userGroup", emu.token, {
      name: "updaters",
      userIds: [id],
      policies: [{ policyId: pol, accountIds: [a2] }],
    });
    expect(g.status).toBe(200);
    expect((await api("PUT", `/setup/account/${a2}`, t, { account: { name: "after" } })).status).toBe(200);
  });
});

describe("control-driven identity", () => {
  test("MFA set through the control API shows in user details and lists", async () => {
    await emu.control.setMfa(emu.userId, true);
    expect(items(await api("GET", `/setup/user/${emu.userId}`, emu.token))[0].mfa).toBe(true);
    const list = items(await api("GET", "/setup/organization/user", emu.token));
    expect(list.find((u) => u.userId === emu.userId).mfa).toBe(true);
    await emu.control.setMfa(emu.userId, false);
  });

  test("linked organizations: the creator administers the child with a token minted for it", async () => {
    const created = await api("POST", "/setup/organization", emu.token, { organization: { name: "Child" } });
    const childId = String(items(created)[0].organizationId);
    const childToken = await emu.control.mintToken(emu.userId, childId);
    const accounts = items(await api("GET", "/setup/account", childToken));
    expect(accounts).toHaveLength(1);
    expect(accounts[0].organizationId).toBe(childId);
    // The parent's token still acts in the parent only.
    expect(items(await api("GET", "/setup/account", emu.token)).map((a) => a.accountId)).not.toContain(
      accounts[0].accountId,
    );
    const grand = await api("POST", "/setup/organization", childToken, { organization: { name: "Grandchild" } });
    const grandId = String(items(grand)[0].organizationId);
    expect(errorCode(await api("DELETE", `/setup/organization/${childId}`, emu.token))).toBe(
      "Organization_HAS_LINKED_ORGANIZATIONS",
    );
    expect((await api("DELETE", `/setup/organization/${grandId}`, emu.token)).status).toBe(200);
    expect((await api("DELETE", `/setup/organization/${childId}`, emu.token)).status).toBe(200);
    expect((await api("GET", "/setup/account", childToken)).status).toBe(401);
    expect((await api("GET", "/setup/account", emu.token)).status).toBe(200);
  });
});
