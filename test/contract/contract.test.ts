/**
 * Contract: every route's success and error answers validate against the OpenAPI (bundled, with exactly the
 * deviations of docs/contract-deviations.md), or for the four GETs missing from it, against what Spot's own
 * clients decode. Checks that docs/contract-coverage.md (route → validated statuses) is current; with
 * UPDATE_CONTRACT_COVERAGE=1 it writes it instead (only after the coverage assertions passed).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { allRoutes } from "../../src/emulator/routes";
import { call, items, type SpotAnswer } from "../emulator/http";
import { withEmulator } from "../support/emulator";
import { EXTRA_ROUTE_SCHEMAS } from "./extra-routes";
import { applyDeviation, loadContract, loadDeviations, newAjv, Validators, valuesAt, type Contract } from "./spec";

const REGENERATE = "UPDATE_CONTRACT_COVERAGE";
const COVERAGE_FILE = join(__dirname, "../../docs/contract-coverage.md");

const emu = withEmulator();
let contract: Contract;
let validators: Validators;
const extraAjv = newAjv();
const coverage = new Map<string, { ok: number[]; error: number[] }>();
const recorded = new Map<string, any>(); // route → a validated 200 body

beforeAll(async () => {
  contract = await loadContract();
  validators = new Validators(contract, loadDeviations());
});

function record(route: string, status: number) {
  const c = coverage.get(route) ?? { ok: [], error: [] };
  const list = status === 200 ? c.ok : c.error;
  if (!list.includes(status)) list.push(status);
  coverage.set(route, c);
}

/** Validates an answer against the contract of `route` for its status and records the coverage. */
function check(route: string, a: SpotAnswer): SpotAnswer {
  const body = a.body;
  expect(body?.response?.status?.code).toBe(a.status);
  expect(body.request.id).toMatch(/^[0-9a-f-]{36}$/);
  if (Array.isArray(body.response.items)) expect(body.response.count).toBe(body.response.items.length);
  if (a.status !== 200) {
    expect(body.response.errors?.length).toBeGreaterThan(0);
    for (const e of body.response.errors) expect(typeof e.code).toBe("string");
  }
  const extra = EXTRA_ROUTE_SCHEMAS[route];
  const validate = extra && a.status === 200 ? extraAjv.compile(extra) : validators.get(route, a.status);
  if (!validate(body)) {
    throw new Error(
      `${route} ${a.status} does not match the contract: ${extraAjv.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
    );
  }
  record(route, a.status);
  if (a.status === 200 && !recorded.has(route)) recorded.set(route, body);
  return a;
}

function spot(route: string, path?: string) {
  const [method, template] = route.split(" ");
  return async (body?: unknown, token?: string | null, status = 200, code?: string) => {
    const a = await call(emu.url, method, path ?? template, { body, token: token === undefined ? emu.token : token });
    if (a.status !== status) throw new Error(`${route} → ${a.status}, expected ${status}: ${JSON.stringify(a.body)}`);
    if (code) expect(a.body.response.errors[0].code).toBe(code);
    return check(route, a);
  };
}

const q = (path: string, params: Record<string, string>) => `${path}?${new URLSearchParams(params)}`;
const PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
const gcpKey = (project: string) => ({
  type: "service_account",
  project_id: project,
  private_key_id: "0123456789abcdef0123456789abcdef01234567",
  private_key: PEM,
  client_email: `spot@${project}.iam.gserviceaccount.com`,
  client_id: "112233445566778899000",
  auth_uri: "https://accounts.google.com/o/oauth2/auth",
  token_uri: "https://oauth2.googleapis.com/token",
  auth_provider_x509_cert_url: "https://www.googleapis.com/oauth2/v1/certs",
  client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/spot%40${project}.iam.gserviceaccount.com`,
});
const azure = {
  clientId: "11111111-2222-3333-4444-555555555555",
  clientSecret: "azure-client-secret-value",
  tenantId: "66666666-7777-8888-9999-000000000000",
  subscriptionId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
  expirationDate: "2030-12-31T23:59:00.000Z",
};

// State shared by the scenario (tests run in order).
const s: Record<string, string> = {};

describe("organizations and accounts", () => {
  test("POST /setup/organization", async () => {
    const a = await spot("POST /setup/organization")({ organization: { name: "Linked org" } });
    s.childOrg = String(items(a)[0].organizationId);
    await spot("POST /setup/organization")({ organization: { name: "1234" } }, undefined, 400, "ValidationError");
  });

  test("DELETE /setup/organization/{organizationId}", async () => {
    await spot("DELETE /setup/organization/{organizationId}", `/setup/organization/${s.childOrg}`)();
    await spot("DELETE /setup/organization/{organizationId}", "/setup/organization/606000000001")(
      undefined,
      undefined,
      400,
      "Organization_DOESNT_EXIST",
    );
  });

  test("POST /setup/account", async () => {
    s.aws = items(await spot("POST /setup/account")({ account: { name: "aws-prod" } }))[0].id;
    s.azure = items(await spot("POST /setup/account")({ account: { name: "azure-prod" } }))[0].id;
    s.gcp = items(await spot("POST /setup/account")({ account: { name: "gcp-prod" } }))[0].id;
    s.doomed = items(await spot("POST /setup/account")({ account: { name: "doomed" } }))[0].id;
    await spot("POST /setup/account")({ account: {} }, undefined, 400, "ValidationError");
  });

  test("GET /setup/account", async () => {
    const a = await spot("GET /setup/account")();
    expect(items(a).map((x) => x.accountId)).toEqual(expect.arrayContaining([emu.accountId, s.aws]));
    await spot("GET /setup/account")(undefined, null, 401, "UNAUTHORIZED");
  });

  test("GET /setup/account/{accountId}", async () => {
    const a = await spot("GET /setup/account/{accountId}", `/setup/account/${s.aws}`)({ account: s.aws });
    expect(items(a)[0]).toMatchObject({ id: s.aws, name: "aws-prod", organizationId: emu.organizationId });
    await spot("GET /setup/account/{accountId}", "/setup/account/act-00000000")(
      undefined,
      undefined,
      400,
      "Account_DOESNT_EXIST",
    );
  });

  test("PUT /setup/account/{accountId}", async () => {
    await spot(
      "PUT /setup/account/{accountId}",
      `/setup/account/${s.aws}`,
    )({
      account: { name: "aws-production", slackNotificationChannels: ["https://hooks.slack.com/services/T0/B0/X"] },
    });
    await spot("PUT /setup/account/{accountId}", `/setup/account/${s.aws}`)(
      { account: { name: "" } },
      undefined,
      400,
      "ValidationError",
    );
  });

  test("DELETE /setup/account/{accountId}", async () => {
    await spot("DELETE /setup/account/{accountId}", `/setup/account/${s.doomed}`)();
    await spot("DELETE /setup/account/{accountId}", `/setup/account/${emu.accountId}`)(
      undefined,
      undefined,
      400,
      "CANT_DELETE_DEFAULT_ACCOUNT",
    );
  });
});

describe("cloud credentials", () => {
  test("POST /setup/credentials/aws/externalId", async () => {
    const a = await spot(
      "POST /setup/credentials/aws/externalId",
      q("/setup/credentials/aws/externalId", { accountId: s.aws }),
    )();
    s.externalId = items(a)[0].externalId;
    await spot("POST /setup/credentials/aws/externalId")(undefined, undefined, 400, "ValidationError");
  });

  test("GET /setup/credentials/aws/externalId/{accountId}", async () => {
    const a = await spot(
      "GET /setup/credentials/aws/externalId/{accountId}",
      `/setup/credentials/aws/externalId/${s.aws}`,
    )({
      account: s.aws,
    });
    expect(items(a)[0]).toEqual({ accountId: s.aws, externalId: s.externalId });
    await spot("GET /setup/credentials/aws/externalId/{accountId}", `/setup/credentials/aws/externalId/${s.gcp}`)(
      undefined,
      undefined,
      400,
      "ExternalId_DOESNT_EXIST",
    );
  });

  test("POST /setup/credentials/aws", async () => {
    const path = q("/setup/credentials/aws", { accountId: s.aws });
    await spot(
      "POST /setup/credentials/aws",
      path,
    )({ credentials: { iamRole: "arn:aws:iam::123456789012:role/SpotRole" } });
    await spot("POST /setup/credentials/aws", path)(
      { credentials: { iamRole: "not-an-arn" } },
      undefined,
      400,
      "ValidationError",
    );
  });

  test("GET /setup/credentials/aws", async () => {
    const a = await spot("GET /setup/credentials/aws", q("/setup/credentials/aws", { accountId: s.aws }))();
    expect(items(a)).toEqual([{ iamRole: "arn:aws:iam::123456789012:role/SpotRole", accountId: s.aws }]);
    await spot("GET /setup/credentials/aws", q("/setup/credentials/aws", { accountId: "act-00000000" }))(
      undefined,
      undefined,
      400,
      "Account_DOESNT_EXIST",
    );
  });

  test("POST /azure/setup/credentials", async () => {
    const path = q("/azure/setup/credentials", { accountId: s.azure });
    await spot("POST /azure/setup/credentials", path)(azure);
    await spot("POST /azure/setup/credentials", path)(
      { ...azure, clientSecret: undefined },
      undefined,
      400,
      "ValidationError",
    );
  });

  test("GET /azure/setup/credentials", async () => {
    const a = await spot("GET /azure/setup/credentials", q("/azure/setup/credentials", { accountId: s.azure }))();
    expect(items(a)[0]).toMatchObject({ clientId: azure.clientId, subscriptionId: azure.subscriptionId });
    expect(JSON.stringify(a.body)).not.toContain(azure.clientSecret);
    await spot("GET /azure/setup/credentials", q("/azure/setup/credentials", { accountId: "act-00000000" }))(
      undefined,
      undefined,
      400,
      "Account_DOESNT_EXIST",
    );
  });

  test("POST /azure/setup/credentials/validation", async () => {
    const path = q("/azure/setup/credentials/validation", { accountId: s.azure });
    const { expirationDate: _e, ...body } = azure;
    await spot("POST /azure/setup/credentials/validation", path)(body);
    await spot("POST /azure/setup/credentials/validation", path)({ clientId: "x" }, undefined, 400, "ValidationError");
  });

  test("POST /azure/setup/tenant/credentials", async () => {
    const path = q("/azure/setup/tenant/credentials", { accountId: s.azure });
    const { subscriptionId: _s, ...body } = azure;
    await spot("POST /azure/setup/tenant/credentials", path)(body);
    await spot("POST /azure/setup/tenant/credentials", path)(
      { ...body, expirationDate: undefined },
      undefined,
      400,
      "ValidationError",
    );
  });

  test("POST /azure/setup/tenant/credentials/validation", async () => {
    const path = q("/azure/setup/tenant/credentials/validation", { accountId: s.azure });
    const { subscriptionId: _s, ...body } = azure;
    await spot("POST /azure/setup/tenant/credentials/validation", path)(body);
    await spot("POST /azure/setup/tenant/credentials/validation", path)({}, undefined, 400, "ValidationError");
  });

  test("POST /gcp/setup/credentials", async () => {
    const path = q("/gcp/setup/credentials", { accountId: s.gcp });
    await spot("POST /gcp/setup/credentials", path)({ serviceAccount: gcpKey("test-labs") });
    await spot("POST /gcp/setup/credentials", path)(
      { serviceAccount: { ...gcpKey("x"), type: "user" } },
      undefined,
      400,
      "ValidationError",
    );
  });

  test("GET /gcp/setup/credentials", async () => {
    const a = await spot("GET /gcp/setup/credentials", q("/gcp/setup/credentials", { accountId: s.gcp }))();
    expect(items(a)[0].serviceAccount).toMatchObject({ project_id: "test-labs", type: "service_account" });
    expect(JSON.stringify(a.body)).not.toContain("PRIVATE KEY");
    await spot("GET /gcp/setup/credentials", q("/gcp/setup/credentials", { accountId: s.aws }))(
      undefined,
      undefined,
      400,
      "ServiceAccount_DOESNT_EXIST",
    );
  });

  test("POST /gcp/setup/credentials/validation", async () => {
    const path = q("/gcp/setup/credentials/validation", { accountId: s.gcp });
    await spot("POST /gcp/setup/credentials/validation", path)({ serviceAccount: gcpKey("other") });
    await spot("POST /gcp/setup/credentials/validation", path)(
      { serviceAccount: {} },
      undefined,
      400,
      "ValidationError",
    );
  });

  test("providerExternalId is set from the connected cloud account", async () => {
    const list = items(await call(emu.url, "GET", "/setup/account", { token: emu.token }));
    const byId = Object.fromEntries(list.map((x) => [x.accountId, x.providerExternalId]));
    expect(byId[s.aws]).toBe("123456789012");
    expect(byId[s.azure]).toBe(azure.subscriptionId);
    expect(byId[s.gcp]).toBe("test-labs");
  });
});

describe("access policies and user groups", () => {
  test("POST /setup/access/policy", async () => {
    const a = await spot("POST /setup/access/policy")({
      policy: {
        name: "ocean-operators",
        description: "operate clusters",
        policyContent: { statements: [{ effect: "ALLOW", actions: ["ocean:updateCluster"], resources: ["*"] }] },
      },
    });
    s.policy = items(a)[0].id;
    s.policy2 = items(
      await spot("POST /setup/access/policy")({
        policy: {
          name: "auditors",
          policyContent: {
            statements: [{ effect: "ALLOW", actions: ["setup:describeAllAuditEvents"], resources: ["*"] }],
          },
        },
      }),
    )[0].id;
    await spot("POST /setup/access/policy")(
      {
        policy: {
          name: "bad",
          policyContent: { statements: [{ effect: "MAYBE", actions: ["a:b"], resources: ["*"] }] },
        },
      },
      undefined,
      400,
      "ValidationError",
    );
  });

  test("GET /setup/access/policy", async () => {
    const a = await spot("GET /setup/access/policy", q("/setup/access/policy", { accountId: s.aws }))();
    expect(items(a).map((p) => p.id)).toContain(s.policy);
    await spot("GET /setup/access/policy")(undefined, undefined, 400, "ValidationError");
  });

  test("PUT /setup/access/policy/{policyId}", async () => {
    await spot(
      "PUT /setup/access/policy/{policyId}",
      `/setup/access/policy/${s.policy}`,
    )({ policy: { name: "ocean-ops" } });
    await spot("PUT /setup/access/policy/{policyId}", "/setup/access/policy/3")(
      { policy: { name: "mine" } },
      undefined,
      400,
      "POLICY_IS_BUILT_IN",
    );
  });

  test("GET /setup/organization/policy", async () => {
    const a = await spot("GET /setup/organization/policy")();
    const types = Object.fromEntries(items(a).map((p) => [p.id, p.type]));
    expect(types).toMatchObject({ [s.policy]: "ACCOUNT", [s.policy2]: "ORGANIZATION" });
  });

  test("GET /setup/access/policyAction", async () => {
    const a = await spot(
      "GET /setup/access/policyAction",
      q("/setup/access/policyAction", { service: "ocean", category: "UPDATE" }),
    )();
    expect(items(a).length).toBeGreaterThan(0);
    expect(items(a).every((x) => x.service === "ocean" && x.category === "UPDATE")).toBe(true);
    await spot("GET /setup/access/policyAction")(undefined, "not-a-token", 401, "UNAUTHORIZED");
  });

  test("POST /setup/access/userGroup", async () => {
    const a = await spot("POST /setup/access/userGroup")({
      name: "Developers",
      description: "devs",
      userIds: [emu.userId],
      policies: [{ policyId: s.policy, accountIds: [s.aws] }],
    });
    s.group = items(a)[0].id;
    s.group2 = items(await spot("POST /setup/access/userGroup")({ name: "Doomed" }))[0].id;
    await spot("POST /setup/access/userGroup")({ description: "no name" }, undefined, 400, "ValidationError");
  });

  test("GET /setup/access/userGroup", async () => {
    const a = await spot("GET /setup/access/userGroup")();
    expect(items(a).find((g) => g.id === s.group)).toMatchObject({ usersCount: 1, policyNames: ["ocean-ops"] });
    await spot("GET /setup/access/userGroup")(undefined, null, 401);
  });

  test("GET /setup/access/userGroup/{userGroupId}", async () => {
    const a = await spot("GET /setup/access/userGroup/{userGroupId}", `/setup/access/userGroup/${s.group}`)();
    expect(items(a)[0].policies[0]).toMatchObject({
      policyId: s.policy,
      accountIds: [s.aws],
      accountNames: ["aws-production"],
    });
    await spot("GET /setup/access/userGroup/{userGroupId}", "/setup/access/userGroup/ugr-00000000")(
      undefined,
      undefined,
      400,
      "UserGroup_DOESNT_EXIST",
    );
  });

  test("PUT /setup/access/userGroup/{userGroupId}", async () => {
    const route = "PUT /setup/access/userGroup/{userGroupId}";
    await spot(route, `/setup/access/userGroup/${s.group}`)({ name: "Developers", description: "all developers" });
    await spot(route, `/setup/access/userGroup/${s.group}`)({ name: "" }, undefined, 400, "ValidationError");
  });

  test("PUT /setup/access/userGroup/{userGroupId}/userMapping", async () => {
    const route = "PUT /setup/access/userGroup/{userGroupId}/userMapping";
    await spot(route, `/setup/access/userGroup/${s.group}/userMapping`)({ userIds: [emu.userId] });
    await spot(route, `/setup/access/userGroup/${s.group}/userMapping`)(
      { userIds: ["u-00000000"] },
      undefined,
      400,
      "User_DOESNT_EXIST",
    );
  });

  test("PUT /setup/access/userGroup/{userGroupId}/policyMapping", async () => {
    const route = "PUT /setup/access/userGroup/{userGroupId}/policyMapping";
    await spot(
      route,
      `/setup/access/userGroup/${s.group}/policyMapping`,
    )({
      policies: [{ policyId: s.policy, accountIds: ["*"] }],
    });
    await spot(route, `/setup/access/userGroup/${s.group}/policyMapping`)({}, undefined, 400, "ValidationError");
  });

  test("DELETE /setup/access/userGroup/{userGroupId}", async () => {
    const route = "DELETE /setup/access/userGroup/{userGroupId}";
    await spot(route, `/setup/access/userGroup/${s.group2}`)();
    await spot(route, `/setup/access/userGroup/${s.group2}`)(undefined, undefined, 400, "UserGroup_DOESNT_EXIST");
  });
});

describe("users", () => {
  test("POST /setup/user", async () => {
    const a = await spot(
      "POST /setup/user",
      "/setup/user?generateToken=true",
    )({
      firstName: "Jane",
      lastName: "Doe",
      email: "jane@example.com",
      password: "s3cretPassw0rd",
      role: "viewer",
    });
    s.user = items(a)[0].userId;
    s.userToken = items(a)[0].personalAccessToken;
    expect(s.userToken).toMatch(/^[0-9a-f]{64}$/);
    await spot("POST /setup/user")(
      { firstName: "Jane", lastName: "Again", email: "JANE@example.com" },
      undefined,
      400,
      "USER_ALREADY_EXISTS",
    );
  });

  test("POST /setup/user/programmatic", async () => {
    const a = await spot("POST /setup/user/programmatic")({
      name: "ci-bot",
      description: "CI",
      accounts: [{ id: s.aws, role: "editor" }],
    });
    s.pu = items(a)[0].id;
    s.puToken = items(a)[0].token;
    await spot("POST /setup/user/programmatic")({ name: "nothing" }, undefined, 400, "ValidationError");
  });

  test("GET /setup/user", async () => {
    const a = await spot("GET /setup/user", q("/setup/user", { accountId: emu.accountId }))();
    expect(items(a).find((u) => u.userId === s.user)?.mappedAccountIds).toEqual([emu.accountId]);
    await spot("GET /setup/user", q("/setup/user", { accountId: "act-00000000" }))(
      undefined,
      undefined,
      400,
      "Account_DOESNT_EXIST",
    );
  });

  test("GET /setup/organization/user", async () => {
    const a = await spot("GET /setup/organization/user")();
    expect(
      items(a)
        .map((u) => u.type)
        .sort(),
    ).toEqual(["personal", "personal", "programmatic"]);
    await spot("GET /setup/organization/user")(undefined, null, 401);
  });

  test("PUT /setup/user/{userId}/policyMapping", async () => {
    const route = "PUT /setup/user/{userId}/policyMapping";
    await spot(
      route,
      `/setup/user/${s.user}/policyMapping`,
    )({
      policies: [
        { policyId: s.policy, accountIds: [s.aws] },
        { policyId: "3", accountIds: ["*"] },
      ],
    });
    await spot(route, `/setup/user/${s.user}/PolicyMapping`)(
      { policies: [{ policyId: "pol-00000000", accountIds: ["*"] }] },
      undefined,
      400,
      "Policy_DOESNT_EXIST",
    );
  });

  test("PUT /setup/user/{userId}/userGroupMapping", async () => {
    const route = "PUT /setup/user/{userId}/userGroupMapping";
    await spot(route, `/setup/user/${s.user}/userGroupMapping`)({ userGroupIds: [s.group] });
    await spot(route, `/setup/user/${s.user}/userGroupMapping`)(
      { userGroupIds: ["ugr-00000000"] },
      undefined,
      400,
      "UserGroup_DOESNT_EXIST",
    );
  });

  test("GET /setup/user/{userId}", async () => {
    const route = "GET /setup/user/{userId}";
    const a = await spot(route, `/setup/user/${s.user}`)();
    expect(items(a)[0]).toMatchObject({
      userId: s.user,
      type: "personal",
      mfa: false,
      email: "jane@example.com",
      groups: [{ id: s.group, name: "Developers", policyNames: ["ocean-ops"] }],
    });
    expect(items(a)[0].policies.map((p: any) => p.policyId)).toEqual([s.policy, "3"]);
    const p = await spot(route, `/setup/user/${s.pu}`)();
    expect(items(p)[0]).toMatchObject({
      id: s.pu,
      type: "programmatic",
      name: "ci-bot",
      accounts: [{ id: s.aws, role: "editor" }],
    });
    await spot(route, "/setup/user/u-00000000")(undefined, undefined, 400, "User_DOESNT_EXIST");
  });

  test("GET /setup/accountUserMapping", async () => {
    const a = await spot(
      "GET /setup/accountUserMapping",
      q("/setup/accountUserMapping", { userEmail: "jane@example.com" }),
    )();
    expect(items(a)).toEqual([{ accountId: emu.accountId, role: "viewer", permissionStrategy: "ROLE_BASED" }]);
    await spot("GET /setup/accountUserMapping")(undefined, undefined, 400, "ValidationError");
  });

  test("POST /setup/accountUserMapping", async () => {
    const path = q("/setup/accountUserMapping", { accountId: s.aws });
    await spot(
      "POST /setup/accountUserMapping",
      path,
    )({
      mappings: [
        { userId: s.user, accountId: s.aws, role: "editor" },
        { userEmail: "jane@example.com", accountId: s.gcp, permissionStrategy: "POLICY_BASED", policyIds: [s.policy] },
      ],
    });
    await spot("POST /setup/accountUserMapping", path)(
      { mappings: [{ userId: s.user, accountId: s.aws }] },
      undefined,
      400,
      "ValidationError",
    );
  });

  test("POST /setup/account/{accountId}/user", async () => {
    const route = "POST /setup/account/{accountId}/user";
    await spot(route, `/setup/account/${s.azure}/user`)({ userEmail: "jane@example.com", role: "viewer" });
    await spot(route, `/setup/account/${s.azure}/user`)(
      { userEmail: "nobody@example.com", role: "viewer" },
      undefined,
      400,
      "User_DOESNT_EXIST",
    );
  });

  test("PUT /setup/account/{accountId}/user", async () => {
    const route = "PUT /setup/account/{accountId}/user";
    await spot(route, `/setup/account/${s.azure}/user`)({ userId: s.user, role: "editor" });
    await spot(route, `/setup/account/${s.doomed}/user`)(
      { userId: s.user, role: "editor" },
      undefined,
      400,
      "Account_DOESNT_EXIST",
    );
  });

  test("DELETE /setup/account/{accountId}/user", async () => {
    const route = "DELETE /setup/account/{accountId}/user";
    await spot(route, `/setup/account/${s.azure}/user`)({ userEmail: "jane@example.com" });
    await spot(route, `/setup/account/${s.azure}/user`)(undefined, undefined, 400, "ValidationError");
  });

  test("403 for a token whose role does not allow the action", async () => {
    await spot("GET /setup/organization/policy")(undefined, s.puToken, 403, "FORBIDDEN");
  });
});

describe("notification center", () => {
  const config = { events: [{ event: "Maximum capacity reached", type: "WARN" }], resourceIds: ["o-1234abcd"] };

  test("POST /notificationCenter/policy", async () => {
    const path = q("/notificationCenter/policy", { accountId: s.aws });
    const a = await spot(
      "POST /notificationCenter/policy",
      path,
    )({
      name: "ops",
      description: "ops alerts",
      privacyLevel: "public",
      isActive: true,
      subscriptions: [{ type: "email", endpoint: "ops@example.com" }],
      registeredUsers: [{ userEmail: "jane@example.com", subscriptionTypes: ["email", "console"] }],
      computePolicyConfig: config,
    });
    s.np = items(a)[0].id;
    expect(s.np).toMatch(/^snp-[0-9a-f]{8}$/);
    s.np2 = items(
      await spot(
        "POST /notificationCenter/policy",
        path,
      )({
        name: "mine",
        privacyLevel: "private",
        computePolicyConfig: { ...config, resourceIds: undefined, shouldIncludeAllResources: true },
      }),
    )[0].id;
    await spot("POST /notificationCenter/policy", path)(
      { computePolicyConfig: config },
      undefined,
      400,
      "ValidationError",
    );
  });

  test("GET /notificationCenter/policy", async () => {
    const a = await spot("GET /notificationCenter/policy")();
    expect(items(a).find((p) => p.policyId === s.np)).toMatchObject({
      id: s.np,
      type: "compute",
      owner: "admin@example.com",
      registeredUsersCount: 1,
      accountId: s.aws,
    });
    await spot("GET /notificationCenter/policy")(undefined, null, 401);
  });

  test("GET /notificationCenter/policy/{policyId}", async () => {
    const a = await spot("GET /notificationCenter/policy/{policyId}", `/notificationCenter/policy/${s.np}`)();
    expect(items(a)[0].computePolicyConfig).toMatchObject({ resourceIds: ["o-1234abcd"], accountId: s.aws });
    await spot("GET /notificationCenter/policy/{policyId}", "/notificationCenter/policy/snp-00000000")(
      undefined,
      undefined,
      400,
      "NotificationPolicy_DOESNT_EXIST",
    );
  });

  test("PUT /notificationCenter/policy/{policyId}", async () => {
    const route = "PUT /notificationCenter/policy/{policyId}";
    await spot(route, `/notificationCenter/policy/${s.np}`)({ isActive: false, description: null });
    await spot(route, `/notificationCenter/policy/${s.np}`)(
      { privacyLevel: "private" },
      undefined,
      400,
      "ValidationError",
    );
  });

  test("DELETE /notificationCenter/policy/{policyId}", async () => {
    const route = "DELETE /notificationCenter/policy/{policyId}";
    await spot(route, `/notificationCenter/policy/${s.np2}`)();
    await spot(route, `/notificationCenter/policy/${s.np2}`)(
      undefined,
      undefined,
      400,
      "NotificationPolicy_DOESNT_EXIST",
    );
  });

  test("GET /notificationCenter/compute/resource", async () => {
    const a = await spot(
      "GET /notificationCenter/compute/resource",
      q("/notificationCenter/compute/resource", { accountId: s.aws }),
    )();
    expect(items(a)).toEqual([{ Id: "o-1234abcd", name: "o-1234abcd", type: "ocean" }]);
    await spot("GET /notificationCenter/compute/resource")(undefined, undefined, 400, "ValidationError");
  });

  test("GET /notificationCenter/compute/event", async () => {
    const a = await spot(
      "GET /notificationCenter/compute/event",
      q("/notificationCenter/compute/event", { accountId: s.aws }),
    )();
    expect(items(a).map((e) => e.event)).toContain("Maximum capacity reached");
    await spot("GET /notificationCenter/compute/event")(undefined, undefined, 400, "ValidationError");
  });
});

describe("legacy subscriptions and account policy", () => {
  const sub = {
    resourceId: "sig-1234abcd",
    protocol: "email",
    endpoint: "ops@example.com",
    eventType: "AWS_EC2_INSTANCE_TERMINATE",
  };

  test("POST /events/subscription", async () => {
    const path = q("/events/subscription", { accountId: s.aws });
    const a = await spot(
      "POST /events/subscription",
      path,
    )({ subscription: { ...sub, eventFormat: { event: "%event%", note: "hi" } } });
    s.sub = items(a)[0].id;
    s.sub2 = items(
      await spot(
        "POST /events/subscription",
        path,
      )({ subscription: { ...sub, protocol: "web", endpoint: "https://x.example.com/hook" } }),
    )[0].id;
    await spot("POST /events/subscription", path)(
      { subscription: { ...sub, protocol: "pigeon" } },
      undefined,
      400,
      "ValidationError",
    );
  });

  test("GET /events/subscription", async () => {
    const a = await spot("GET /events/subscription", q("/events/subscription", { accountId: s.aws }))();
    expect(items(a).map((x) => x.id)).toEqual([s.sub, s.sub2]);
    await spot("GET /events/subscription", q("/events/subscription", { accountId: "act-00000000" }))(
      undefined,
      undefined,
      400,
      "Account_DOESNT_EXIST",
    );
  });

  test("GET /events/subscription/{subscriptionId}", async () => {
    const route = "GET /events/subscription/{subscriptionId}";
    const a = await spot(route, q(`/events/subscription/${s.sub}`, { accountId: s.aws }))();
    expect(items(a)[0]).toMatchObject(sub);
    await spot(route, q("/events/subscription/sis-00000000", { accountId: s.aws }))(
      undefined,
      undefined,
      400,
      "Subscription_DOESNT_EXIST",
    );
  });

  test("PUT /events/subscription/{subscriptionId}", async () => {
    const route = "PUT /events/subscription/{subscriptionId}";
    const a = await spot(
      route,
      q(`/events/subscription/${s.sub}`, { accountId: s.aws }),
    )({ subscription: { endpoint: "sre@example.com" } });
    expect(a.body.response.affectedRows).toBe(1);
    await spot(route, q(`/events/subscription/${s.sub}`, { accountId: s.aws }))(
      { subscription: { endpoint: "not an email" } },
      undefined,
      400,
      "ValidationError",
    );
  });

  test("DELETE /events/subscription/{subscriptionId}", async () => {
    const route = "DELETE /events/subscription/{subscriptionId}";
    await spot(route, q(`/events/subscription/${s.sub2}`, { accountId: s.aws }))();
    await spot(route, q(`/events/subscription/${s.sub2}`, { accountId: s.aws }))(
      undefined,
      undefined,
      400,
      "Subscription_DOESNT_EXIST",
    );
  });

  test("PUT /events/notification/accountPolicy", async () => {
    const path = q("/events/notification/accountPolicy", { accountId: s.aws });
    await spot(
      "PUT /events/notification/accountPolicy",
      path,
    )({
      accountPolicy: {
        emailPolicy: {
          statements: [
            {
              category: "Elastigroup Errors",
              subCategory: "Launch instances failures",
              isEnabled: true,
              applyOnFutureResources: true,
              allowedResources: [{ id: "sig-1234" }],
              deniedResources: [{ id: "sig-9999" }],
            },
          ],
        },
      },
    });
    await spot("PUT /events/notification/accountPolicy", path)({}, undefined, 400, "ValidationError");
  });

  test("GET /events/notification/accountPolicy", async () => {
    const a = await spot(
      "GET /events/notification/accountPolicy",
      q("/events/notification/accountPolicy", { accountId: s.aws }),
    )();
    expect(items(a)[0].accountPolicy.emailPolicy.statements[0].allowedResources).toEqual([{ id: "sig-1234" }]);
    await spot("GET /events/notification/accountPolicy")(undefined, undefined, 400, "ValidationError");
  });
});

describe("deletions and audit", () => {
  test("DELETE /setup/access/policy/{policyId}", async () => {
    await spot("DELETE /setup/access/policy/{policyId}", `/setup/access/policy/${s.policy2}`)();
    await spot("DELETE /setup/access/policy/{policyId}", `/setup/access/policy/${s.policy2}`)(
      undefined,
      undefined,
      400,
      "Policy_DOESNT_EXIST",
    );
  });

  test("DELETE /setup/user/{userId}", async () => {
    await spot("DELETE /setup/user/{userId}", `/setup/user/${s.pu}`)();
    await spot("DELETE /setup/user/{userId}", `/setup/user/${s.pu}`)(undefined, undefined, 400, "User_DOESNT_EXIST");
  });

  test("GET /audit/events", async () => {
    const path = q("/audit/events", { fromDate: "0", toDate: String(Date.now() + 60_000), responseStatus: "all" });
    const a = await spot("GET /audit/events", path)();
    expect(items(a).length).toBeGreaterThan(50);
    await spot("GET /audit/events", q("/audit/events", { toDate: "1" }))(undefined, undefined, 400, "ValidationError");
  });
});

describe("coverage and deviations", () => {
  test("every OpenAPI operation is served, plus exactly the four client-only GETs", () => {
    const served = allRoutes.map((r) => `${r.method} ${r.path}`);
    const inSpec = allRoutes.filter((r) => r.inSpec).map((r) => `${r.method} ${r.path}`);
    expect(new Set(inSpec)).toEqual(new Set(contract.operations.keys()));
    expect(inSpec.length).toBe(contract.operations.size);
    expect(new Set([...contract.operations.values()].map((o) => o.path)).size).toBe(36);
    expect(served.filter((r) => !inSpec.includes(r)).sort()).toEqual(Object.keys(EXTRA_ROUTE_SCHEMAS).sort());
  });

  test("every deviation still applies to the spec and is still needed", async () => {
    const deviations = loadDeviations();
    expect(deviations.length).toBeGreaterThan(0);
    for (const d of deviations) {
      const op = contract.operations.get(d.route);
      expect(op).toBeDefined();
      expect(applyDeviation(structuredClone(op!.responses["200"]), d)).toBeGreaterThan(0);
      const body = recorded.get(d.route);
      expect(body).toBeDefined();
      if (d.op === "rename") {
        expect(JSON.stringify(body)).not.toContain(`"${d.from}":`);
        expect(JSON.stringify(body)).toContain(`"${d.to}":`);
      } else if (d.op === "add") {
        // The unpatched schema allows extra properties, so "needed" means: every answered item carries it.
        const targets = valuesAt(body, d.at);
        expect({ deviation: d.id, items: targets.length > 0 }).toEqual({ deviation: d.id, items: true });
        for (const t of targets)
          expect({ deviation: d.id, has: Object.hasOwn(t as object, d.property!) }).toEqual({
            deviation: d.id,
            has: true,
          });
      } else {
        const unpatched = validators.get(d.route, 200, d.id);
        expect({ deviation: d.id, valid: unpatched(body) }).toEqual({ deviation: d.id, valid: false });
      }
    }
  });

  test("every route has a validated success and a validated error answer; docs/contract-coverage.md is current", () => {
    const rows = allRoutes.map((r) => {
      const key = `${r.method} ${r.path}`;
      const c = coverage.get(key) ?? { ok: [], error: [] };
      return { key, inSpec: r.inSpec, ok: c.ok, error: [...c.error].sort() };
    });
    // Assert first: a failing run must never (re)write the document.
    expect(rows.filter((r) => !r.ok.length || !r.error.length).map((r) => r.key)).toEqual([]);
    const text = coverageDocument(rows);
    if (process.env[REGENERATE] === "1") {
      writeFileSync(COVERAGE_FILE, text);
      return;
    }
    const current = existsSync(COVERAGE_FILE) ? readFileSync(COVERAGE_FILE, "utf8") : "";
    if (current !== text) {
      throw new Error(
        `docs/contract-coverage.md is stale (the routes or their validated statuses changed). Regenerate it with\n` +
          `  ${REGENERATE}=1 npx jest test/contract/contract.test.ts\nand commit the result.`,
      );
    }
  });
});

/** The generated document; `REGENERATE=1` writes it, every other run only compares. */
function coverageDocument(rows: { key: string; inSpec: boolean; ok: number[]; error: number[] }[]): string {
  const lines = [
    "# Emulator contract coverage",
    "",
    "Generated by `test/contract/contract.test.ts`: every route of the emulator, whether it is in the OpenAPI,",
    "and the HTTP statuses whose answers were validated (OpenAPI schema with the deviations of",
    "`docs/contract-deviations.md`; for the client-only GETs, the shapes in `test/contract/extra-routes.ts`;",
    "errors against the OpenAPI error envelope). The test fails when this file is stale; regenerate it with",
    `\`${REGENERATE}=1 npx jest test/contract/contract.test.ts\`.`,
    "",
    "| route | in OpenAPI | success validated | error statuses validated |",
    "|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| \`${r.key}\` | ${r.inSpec ? "yes" : "no (client-only)"} | ${r.ok.length ? "200" : "—"} | ${r.error.join(", ") || "—"} |`,
    ),
    "",
    `${rows.length} routes; ${rows.filter((r) => r.ok.length && r.error.length).length} with both a validated success and error answer.`,
    "",
  ];
  return lines.join("\n");
}
