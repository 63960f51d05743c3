/**
 * Permission matrix: every route of the emulator, called by every kind of principal, each cell asserting
 * allowed or refused in Spot's envelope (see the model in src/emulator/auth.ts and docs/emulator.md).
 *
 * Principals (columns, in this order):
 *   adm  organization admin              edt  organization editor             vwr  organization viewer
 *   cEd  console user: organization viewer, account editor of the home accounts (role-based mapping)
 *   aEd  programmatic user, account editor of the home accounts
 *   aVw  programmatic user, account viewer of the home accounts
 *   pol  programmatic user, custom ACCOUNT policy allowing "*" mapped on the home accounts
 *   p3   programmatic user, built-in policy "3" (account viewer, "*:describe*") mapped on the home accounts
 *   orgp programmatic user, ORGANIZATION policy (setup:createAccount, setup:describeUser,
 *        setup:describeAllAuditEvents) mapped without accounts
 *   oth  admin of another organization
 * and, for every route, a request without a token (401).
 *
 * Cells: ok = 200; no = 403 FORBIDDEN; nf = 400 <Entity>_DOESNT_EXIST (objects of another organization do not
 * exist for the token). "home" accounts are the ones the account-scoped principals have rights on; the
 * "foreign" variant of a row acts on accounts of the same organization they have no rights on. Answers the other
 * organization gets must never carry an id of this one.
 */
import { withEmulator } from "../support/emulator";
import { call, items, type SpotAnswer } from "./http";

const emu = withEmulator();

const PRINCIPALS = ["adm", "edt", "vwr", "cEd", "aEd", "aVw", "pol", "p3", "orgp", "oth"] as const;
type Who = (typeof PRINCIPALS)[number];
type Side = "home" | "foreign";

interface Accounts {
  aws: string;
  azure: string;
  gcp: string;
}

interface World {
  organizationId: string;
  tokens: Record<Who, string>;
  selfIds: Record<Who, string>;
  home: Accounts;
  foreign: Accounts;
  target: { userId: string; email: string };
  group: string;
  policy: string;
  np: Record<Side, string>;
  sub: Record<Side, string>;
  /** Every id of this organization: none may appear in an answer to the other organization. */
  ids: string[];
}

let counter = 0;
const unique = (what: string) => `${what}-${++counter}`;

async function ok(a: Promise<SpotAnswer>): Promise<SpotAnswer> {
  const r = await a;
  if (r.status !== 200) throw new Error(`world setup failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

function as(token: string) {
  return (method: string, path: string, body?: unknown) => ok(call(emu.url, method, path, { token, body }));
}

const PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
const gcpKey = (project: string) => ({
  type: "service_account",
  project_id: project,
  private_key_id: "0123456789abcdef",
  private_key: PEM,
  client_email: `spot@${project}.iam.gserviceaccount.com`,
  client_id: "112233445566778899000",
});
const azure = (subscriptionId: string) => ({
  clientId: "11111111-2222-3333-4444-555555555555",
  clientSecret: "matrix-secret",
  tenantId: "66666666-7777-8888-9999-000000000000",
  subscriptionId,
  expirationDate: "2031-12-31T23:59:00.000Z",
});
const ARN = "arn:aws:iam::123456789012:role/Matrix";
const computePolicy = (name: string) => ({
  name,
  privacyLevel: "public",
  computePolicyConfig: { events: [{ event: "Scale up failed", type: "ERROR" }], shouldIncludeAllResources: true },
});
const subscription = {
  resourceId: "sig-1234abcd",
  protocol: "email",
  endpoint: "ops@matrix.example.com",
  eventType: "GROUP_UPDATED",
};

/** A new organization with every principal, connected accounts and one object of each kind to act on. */
async function buildWorld(): Promise<World> {
  const n = unique("world");
  const boot = await emu.control.bootstrap({ organizationName: `Matrix ${n}`, adminEmail: `admin-${n}@m.example.com` });
  const admin = as(boot.token);
  const account = async (name: string) => items(await admin("POST", "/setup/account", { account: { name } }))[0].id;
  const side = async (s: string): Promise<Accounts> => ({
    aws: await account(`${s}-aws`),
    azure: await account(`${s}-azure`),
    gcp: await account(`${s}-gcp`),
  });
  const home = await side("home");
  const foreign = await side("foreign");
  for (const acc of [home, foreign]) {
    await admin("POST", `/setup/credentials/aws/externalId?accountId=${acc.aws}`);
    await admin("POST", `/setup/credentials/aws?accountId=${acc.aws}`, { credentials: { iamRole: ARN } });
    await admin("POST", `/azure/setup/credentials?accountId=${acc.azure}`, azure(`sub-${acc.azure}`));
    await admin("POST", `/gcp/setup/credentials?accountId=${acc.gcp}`, { serviceAccount: gcpKey(`p-${acc.gcp}`) });
  }
  const homeIds = [home.aws, home.azure, home.gcp];
  const policy = async (name: string, actions: string[]) =>
    items(
      await admin("POST", "/setup/access/policy", {
        policy: { name, policyContent: { statements: [{ effect: "ALLOW", actions, resources: ["*"] }] } },
      }),
    )[0].id as string;
  const everything = await policy(`all-${n}`, ["*"]);
  const orgPolicy = await policy(`org-${n}`, [
    "setup:createAccount",
    "setup:describeUser",
    "setup:describeAllAuditEvents",
  ]);
  const target = await policy(`target-${n}`, ["ocean:*"]);

  const consoleUser = async (role: string, email = `${unique(role)}@m.example.com`) => {
    const item = items(
      await admin("POST", "/setup/user?generateToken=true", { firstName: "M", lastName: role, email, role }),
    )[0];
    return { id: item.userId as string, token: item.personalAccessToken as string, email };
  };
  const programmatic = async (body: Record<string, unknown>) => {
    const item = items(await admin("POST", "/setup/user/programmatic", { name: unique("bot"), ...body }))[0];
    return { id: item.id as string, token: item.token as string };
  };
  const edt = await consoleUser("editor");
  const vwr = await consoleUser("viewer");
  const cEd = await consoleUser("viewer");
  for (const acc of homeIds)
    await admin("POST", `/setup/account/${acc}/user`, { userEmail: cEd.email, role: "editor" });
  const aEd = await programmatic({ accounts: homeIds.map((id) => ({ id, role: "editor" })) });
  const aVw = await programmatic({ accounts: homeIds.map((id) => ({ id, role: "viewer" })) });
  const pol = await programmatic({ policies: [{ policyId: everything, accountIds: homeIds }] });
  const p3 = await programmatic({ policies: [{ policyId: "3", accountIds: homeIds }] });
  const orgp = await programmatic({ policies: [{ policyId: orgPolicy, accountIds: [] }] });
  const oth = await emu.control.bootstrap({ organizationName: `Other ${n}`, adminEmail: `other-${n}@m.example.com` });

  const targetUser = await consoleUser("viewer");
  await admin("POST", `/setup/account/${home.aws}/user`, { userEmail: targetUser.email, role: "viewer" });
  const group = items(await admin("POST", "/setup/access/userGroup", { name: `group-${n}` }))[0].id;
  const np = {
    home: items(await admin("POST", `/notificationCenter/policy?accountId=${home.aws}`, computePolicy("home")))[0].id,
    foreign: items(await admin("POST", `/notificationCenter/policy?accountId=${foreign.aws}`, computePolicy("far")))[0]
      .id,
  };
  const sub = {
    home: items(await admin("POST", `/events/subscription?accountId=${home.aws}`, { subscription }))[0].id,
    foreign: items(await admin("POST", `/events/subscription?accountId=${foreign.aws}`, { subscription }))[0].id,
  };
  const tokens = {
    adm: boot.token,
    edt: edt.token,
    vwr: vwr.token,
    cEd: cEd.token,
    aEd: aEd.token,
    aVw: aVw.token,
    pol: pol.token,
    p3: p3.token,
    orgp: orgp.token,
    oth: oth.token,
  };
  const selfIds = {
    adm: boot.userId,
    edt: edt.id,
    vwr: vwr.id,
    cEd: cEd.id,
    aEd: aEd.id,
    aVw: aVw.id,
    pol: pol.id,
    p3: p3.id,
    orgp: orgp.id,
    oth: oth.userId,
  };
  return {
    organizationId: boot.organizationId,
    tokens,
    selfIds,
    home,
    foreign,
    target: { userId: targetUser.id, email: targetUser.email },
    group,
    policy: target,
    np,
    sub,
    ids: [
      boot.organizationId,
      boot.accountId,
      ...homeIds,
      foreign.aws,
      foreign.azure,
      foreign.gcp,
      everything,
      orgPolicy,
      target,
      group,
      np.home,
      np.foreign,
      sub.home,
      sub.foreign,
      targetUser.id,
      ...Object.entries(selfIds)
        .filter(([who]) => who !== "oth")
        .map(([, id]) => id),
    ],
  };
}

let current: World | undefined;
let dirty = true;

/** The world, rebuilt when an allowed call of the previous cell destroyed part of it. */
async function world(): Promise<World> {
  if (dirty || !current) {
    current = await buildWorld();
    dirty = false;
  }
  return current;
}

interface Req {
  method: string;
  path: string;
  body?: unknown;
}

interface Row {
  name: string;
  expect: string;
  request: (w: World, who: Who) => Req | Promise<Req>;
  /** An allowed call destroys an object the other cells need: rebuild the world after it. */
  destroys?: boolean;
}

// Expectations shared by the account-scoped rows (adm edt vwr cEd aEd aVw pol p3 orgp oth).
const READ = { home: "ok ok ok ok ok ok ok ok no nf", foreign: "ok ok ok ok no no no no no nf" };
const WRITE = { home: "ok ok no ok ok no ok no no nf", foreign: "ok ok no no no no no no no nf" };
const ORG_READ = "ok ok ok ok no no no no no ok";
const USER_READ = "ok ok ok ok no no no no ok ok"; // orgp holds setup:describeUser
const ORG_ADMIN = "ok no no no no no no no no ok";
const ORG_ADMIN_ON_OBJECT = "ok no no no no no no no no nf";
const EVERYONE = "ok ok ok ok ok ok ok ok ok ok";

/** A home and a foreign row for an account-scoped route. */
function bySide(
  name: string,
  expect: Record<Side, string>,
  request: (w: World, s: Side, acc: Accounts) => Req | Promise<Req>,
  destroys = false,
): Row[] {
  return (["home", "foreign"] as const).map((s) => ({
    name: `${name} (${s})`,
    expect: expect[s],
    request: (w: World) => request(w, s, w[s]),
    destroys,
  }));
}

const adminCall = (w: World) => as(w.tokens.adm);

const ROWS: Row[] = [
  // organizations
  {
    name: "POST /setup/organization",
    expect: ORG_ADMIN,
    request: () => ({ method: "POST", path: "/setup/organization", body: { organization: { name: unique("child") } } }),
  },
  {
    name: "DELETE /setup/organization/{organizationId}",
    expect: ORG_ADMIN_ON_OBJECT,
    request: async (w) => {
      const child = await adminCall(w)("POST", "/setup/organization", { organization: { name: unique("child") } });
      return { method: "DELETE", path: `/setup/organization/${items(child)[0].organizationId}` };
    },
  },
  // accounts
  {
    name: "POST /setup/account",
    expect: "ok no no no no no no no ok ok",
    request: () => ({ method: "POST", path: "/setup/account", body: { account: { name: unique("acc") } } }),
  },
  { name: "GET /setup/account", expect: EVERYONE, request: () => ({ method: "GET", path: "/setup/account" }) },
  ...bySide("GET /setup/account/{accountId}", READ, (_w, _s, a) => ({
    method: "GET",
    path: `/setup/account/${a.aws}`,
  })),
  ...bySide(
    "PUT /setup/account/{accountId}",
    { home: "ok no no no no no ok no no nf", foreign: ORG_ADMIN_ON_OBJECT },
    (_w, s, a) => ({ method: "PUT", path: `/setup/account/${a.gcp}`, body: { account: { name: `${s}-gcp` } } }),
  ),
  ...bySide(
    "DELETE /setup/account/{accountId}",
    { home: ORG_ADMIN_ON_OBJECT, foreign: ORG_ADMIN_ON_OBJECT },
    (_w, _s, a) => ({ method: "DELETE", path: `/setup/account/${a.gcp}` }),
    true,
  ),
  // credentials
  ...bySide("POST /setup/credentials/aws/externalId", WRITE, (_w, _s, a) => ({
    method: "POST",
    path: `/setup/credentials/aws/externalId?accountId=${a.aws}`,
  })),
  ...bySide("GET /setup/credentials/aws/externalId/{accountId}", READ, (_w, _s, a) => ({
    method: "GET",
    path: `/setup/credentials/aws/externalId/${a.aws}`,
  })),
  ...bySide("POST /setup/credentials/aws", WRITE, (_w, _s, a) => ({
    method: "POST",
    path: `/setup/credentials/aws?accountId=${a.aws}`,
    body: { credentials: { iamRole: ARN } },
  })),
  ...bySide("GET /setup/credentials/aws", READ, (_w, _s, a) => ({
    method: "GET",
    path: `/setup/credentials/aws?accountId=${a.aws}`,
  })),
  ...bySide("POST /azure/setup/credentials", WRITE, (_w, _s, a) => ({
    method: "POST",
    path: `/azure/setup/credentials?accountId=${a.azure}`,
    body: azure(`sub-${a.azure}`),
  })),
  ...bySide("GET /azure/setup/credentials", READ, (_w, _s, a) => ({
    method: "GET",
    path: `/azure/setup/credentials?accountId=${a.azure}`,
  })),
  ...bySide("POST /azure/setup/credentials/validation", WRITE, (_w, _s, a) => {
    const { expirationDate: _e, ...body } = azure("s");
    return { method: "POST", path: `/azure/setup/credentials/validation?accountId=${a.azure}`, body };
  }),
  ...bySide("POST /azure/setup/tenant/credentials", WRITE, (_w, _s, a) => {
    const { subscriptionId: _s2, ...body } = azure("s");
    return { method: "POST", path: `/azure/setup/tenant/credentials?accountId=${a.azure}`, body };
  }),
  ...bySide("POST /azure/setup/tenant/credentials/validation", WRITE, (_w, _s, a) => {
    const { subscriptionId: _s2, ...body } = azure("s");
    return { method: "POST", path: `/azure/setup/tenant/credentials/validation?accountId=${a.azure}`, body };
  }),
  ...bySide("POST /gcp/setup/credentials", WRITE, (_w, _s, a) => ({
    method: "POST",
    path: `/gcp/setup/credentials?accountId=${a.gcp}`,
    body: { serviceAccount: gcpKey(`p-${a.gcp}`) },
  })),
  ...bySide("GET /gcp/setup/credentials", READ, (_w, _s, a) => ({
    method: "GET",
    path: `/gcp/setup/credentials?accountId=${a.gcp}`,
  })),
  ...bySide("POST /gcp/setup/credentials/validation", WRITE, (_w, _s, a) => ({
    method: "POST",
    path: `/gcp/setup/credentials/validation?accountId=${a.gcp}`,
    body: { serviceAccount: gcpKey("validation") },
  })),
  // users
  {
    name: "POST /setup/user?generateToken=true",
    expect: ORG_ADMIN,
    request: () => ({
      method: "POST",
      path: "/setup/user?generateToken=true",
      body: { firstName: "New", lastName: "User", email: `${unique("new")}@m.example.com` },
    }),
  },
  { name: "GET /setup/user", expect: USER_READ, request: () => ({ method: "GET", path: "/setup/user" }) },
  {
    name: "POST /setup/user/programmatic",
    expect: ORG_ADMIN_ON_OBJECT, // the other organization does not have the home account it names
    request: (w) => ({
      method: "POST",
      path: "/setup/user/programmatic",
      body: { name: unique("pu"), accounts: [{ id: w.home.aws, role: "viewer" }] },
    }),
  },
  {
    name: "GET /setup/organization/user",
    expect: USER_READ,
    request: () => ({ method: "GET", path: "/setup/organization/user" }),
  },
  {
    name: "GET /setup/user/{userId} (another user)",
    expect: "ok ok ok ok no no no no ok nf",
    request: (w) => ({ method: "GET", path: `/setup/user/${w.target.userId}` }),
  },
  {
    name: "GET /setup/user/{userId} (oneself)",
    expect: EVERYONE,
    request: (w, who) => ({ method: "GET", path: `/setup/user/${w.selfIds[who]}` }),
  },
  {
    name: "DELETE /setup/user/{userId}",
    expect: ORG_ADMIN_ON_OBJECT,
    request: async (w) => {
      const u = await adminCall(w)("POST", "/setup/user", {
        firstName: "Gone",
        lastName: "Soon",
        email: `${unique("gone")}@m.example.com`,
      });
      return { method: "DELETE", path: `/setup/user/${items(u)[0].userId}` };
    },
  },
  {
    name: "PUT /setup/user/{userId}/policyMapping",
    expect: ORG_ADMIN_ON_OBJECT,
    request: (w) => ({
      method: "PUT",
      path: `/setup/user/${w.target.userId}/policyMapping`,
      body: { policies: [{ policyId: "3", accountIds: [w.home.aws] }] },
    }),
  },
  {
    name: "PUT /setup/user/{userId}/userGroupMapping",
    expect: ORG_ADMIN_ON_OBJECT,
    request: (w) => ({
      method: "PUT",
      path: `/setup/user/${w.target.userId}/userGroupMapping`,
      body: { userGroupIds: [w.group] },
    }),
  },
  {
    name: "GET /setup/accountUserMapping",
    expect: "ok ok ok ok no no no no ok nf",
    request: (w) => ({ method: "GET", path: `/setup/accountUserMapping?userEmail=${w.target.email}` }),
  },
  ...bySide(
    "POST /setup/accountUserMapping",
    { home: ORG_ADMIN_ON_OBJECT, foreign: ORG_ADMIN_ON_OBJECT },
    (w, _s, a) => ({
      method: "POST",
      path: `/setup/accountUserMapping?accountId=${a.aws}`,
      body: { mappings: [{ userId: w.target.userId, accountId: a.aws, role: "viewer" }] },
    }),
  ),
  ...bySide(
    "POST /setup/account/{accountId}/user",
    { home: ORG_ADMIN_ON_OBJECT, foreign: ORG_ADMIN_ON_OBJECT },
    (w, _s, a) => ({
      method: "POST",
      path: `/setup/account/${a.aws}/user`,
      body: { userEmail: w.target.email, role: "viewer" },
    }),
  ),
  ...bySide(
    "PUT /setup/account/{accountId}/user",
    { home: ORG_ADMIN_ON_OBJECT, foreign: ORG_ADMIN_ON_OBJECT },
    async (w, _s, a) => {
      await adminCall(w)("POST", `/setup/account/${a.aws}/user`, { userEmail: w.target.email, role: "viewer" });
      return { method: "PUT", path: `/setup/account/${a.aws}/user`, body: { userId: w.target.userId, role: "editor" } };
    },
  ),
  ...bySide(
    "DELETE /setup/account/{accountId}/user",
    { home: ORG_ADMIN_ON_OBJECT, foreign: ORG_ADMIN_ON_OBJECT },
    async (w, _s, a) => {
      await adminCall(w)("POST", `/setup/account/${a.aws}/user`, { userEmail: w.target.email, role: "viewer" });
      return { method: "DELETE", path: `/setup/account/${a.aws}/user`, body: { userEmail: w.target.email } };
    },
  ),
  // user groups
  {
    name: "GET /setup/access/userGroup",
    expect: ORG_READ,
    request: () => ({ method: "GET", path: "/setup/access/userGroup" }),
  },
  {
    name: "POST /setup/access/userGroup",
    expect: ORG_ADMIN,
    request: () => ({ method: "POST", path: "/setup/access/userGroup", body: { name: unique("group") } }),
  },
  {
    name: "GET /setup/access/userGroup/{userGroupId}",
    expect: "ok ok ok ok no no no no no nf",
    request: (w) => ({ method: "GET", path: `/setup/access/userGroup/${w.group}` }),
  },
  {
    name: "PUT /setup/access/userGroup/{userGroupId}",
    expect: ORG_ADMIN_ON_OBJECT,
    request: (w) => ({
      method: "PUT",
      path: `/setup/access/userGroup/${w.group}`,
      body: { description: unique("described") },
    }),
  },
  {
    name: "DELETE /setup/access/userGroup/{userGroupId}",
    expect: ORG_ADMIN_ON_OBJECT,
    request: async (w) => {
      const g = await adminCall(w)("POST", "/setup/access/userGroup", { name: unique("doomed") });
      return { method: "DELETE", path: `/setup/access/userGroup/${items(g)[0].id}` };
    },
  },
  {
    name: "PUT /setup/access/userGroup/{userGroupId}/userMapping",
    expect: ORG_ADMIN_ON_OBJECT,
    request: (w) => ({
      method: "PUT",
      path: `/setup/access/userGroup/${w.group}/userMapping`,
      body: { userIds: [w.target.userId] },
    }),
  },
  {
    name: "PUT /setup/access/userGroup/{userGroupId}/policyMapping",
    expect: ORG_ADMIN_ON_OBJECT,
    request: (w) => ({
      method: "PUT",
      path: `/setup/access/userGroup/${w.group}/policyMapping`,
      body: { policies: [{ policyId: "3", accountIds: [w.home.aws] }] },
    }),
  },
  // access policies
  {
    name: "POST /setup/access/policy",
    expect: ORG_ADMIN,
    request: () => ({
      method: "POST",
      path: "/setup/access/policy",
      body: {
        policy: {
          name: unique("policy"),
          policyContent: { statements: [{ effect: "ALLOW", actions: ["ocean:*"], resources: ["*"] }] },
        },
      },
    }),
  },
  ...bySide("GET /setup/access/policy", READ, (_w, _s, a) => ({
    method: "GET",
    path: `/setup/access/policy?accountId=${a.aws}`,
  })),
  {
    name: "PUT /setup/access/policy/{policyId}",
    expect: ORG_ADMIN_ON_OBJECT,
    request: (w) => ({
      method: "PUT",
      path: `/setup/access/policy/${w.policy}`,
      body: { policy: { description: unique("described") } },
    }),
  },
  {
    name: "DELETE /setup/access/policy/{policyId}",
    expect: ORG_ADMIN_ON_OBJECT,
    request: async (w) => {
      const p = await adminCall(w)("POST", "/setup/access/policy", {
        policy: {
          name: unique("doomed"),
          policyContent: { statements: [{ effect: "ALLOW", actions: ["ocean:*"], resources: ["*"] }] },
        },
      });
      return { method: "DELETE", path: `/setup/access/policy/${items(p)[0].id}` };
    },
  },
  {
    name: "GET /setup/organization/policy",
    expect: ORG_READ,
    request: () => ({ method: "GET", path: "/setup/organization/policy" }),
  },
  {
    name: "GET /setup/access/policyAction",
    expect: EVERYONE,
    request: () => ({ method: "GET", path: "/setup/access/policyAction" }),
  },
  // notification center
  ...bySide("POST /notificationCenter/policy", WRITE, (_w, _s, a) => ({
    method: "POST",
    path: `/notificationCenter/policy?accountId=${a.aws}`,
    body: computePolicy(unique("np")),
  })),
  {
    name: "GET /notificationCenter/policy",
    expect: EVERYONE,
    request: () => ({ method: "GET", path: "/notificationCenter/policy" }),
  },
  ...bySide("GET /notificationCenter/policy/{policyId}", READ, (w, s) => ({
    method: "GET",
    path: `/notificationCenter/policy/${w.np[s]}`,
  })),
  ...bySide("PUT /notificationCenter/policy/{policyId}", WRITE, (w, s) => ({
    method: "PUT",
    path: `/notificationCenter/policy/${w.np[s]}`,
    body: { description: unique("described") },
  })),
  ...bySide("DELETE /notificationCenter/policy/{policyId}", WRITE, async (w, _s, a) => {
    const p = await adminCall(w)("POST", `/notificationCenter/policy?accountId=${a.aws}`, computePolicy(unique("np")));
    return { method: "DELETE", path: `/notificationCenter/policy/${items(p)[0].id}` };
  }),
  ...bySide("GET /notificationCenter/compute/resource", READ, (_w, _s, a) => ({
    method: "GET",
    path: `/notificationCenter/compute/resource?accountId=${a.aws}`,
  })),
  ...bySide("GET /notificationCenter/compute/event", READ, (_w, _s, a) => ({
    method: "GET",
    path: `/notificationCenter/compute/event?accountId=${a.aws}`,
  })),
  // legacy subscriptions and account policy
  ...bySide("POST /events/subscription", WRITE, (_w, _s, a) => ({
    method: "POST",
    path: `/events/subscription?accountId=${a.aws}`,
    body: { subscription },
  })),
  ...bySide("GET /events/subscription", READ, (_w, _s, a) => ({
    method: "GET",
    path: `/events/subscription?accountId=${a.aws}`,
  })),
  ...bySide("GET /events/subscription/{subscriptionId}", READ, (w, s, a) => ({
    method: "GET",
    path: `/events/subscription/${w.sub[s]}?accountId=${a.aws}`,
  })),
  ...bySide("PUT /events/subscription/{subscriptionId}", WRITE, (w, s, a) => ({
    method: "PUT",
    path: `/events/subscription/${w.sub[s]}?accountId=${a.aws}`,
    body: { subscription: { endpoint: `${unique("ops")}@m.example.com` } },
  })),
  ...bySide("DELETE /events/subscription/{subscriptionId}", WRITE, async (w, _s, a) => {
    const sub = await adminCall(w)("POST", `/events/subscription?accountId=${a.aws}`, { subscription });
    return { method: "DELETE", path: `/events/subscription/${items(sub)[0].id}?accountId=${a.aws}` };
  }),
  ...bySide("PUT /events/notification/accountPolicy", WRITE, (_w, _s, a) => ({
    method: "PUT",
    path: `/events/notification/accountPolicy?accountId=${a.aws}`,
    body: { accountPolicy: { emailPolicy: { statements: [] } } },
  })),
  ...bySide("GET /events/notification/accountPolicy", READ, (_w, _s, a) => ({
    method: "GET",
    path: `/events/notification/accountPolicy?accountId=${a.aws}`,
  })),
  // audit
  {
    name: "GET /audit/events",
    expect: USER_READ, // orgp holds setup:describeAllAuditEvents
    request: () => ({ method: "GET", path: `/audit/events?fromDate=0&toDate=${Date.now() + 60_000}` }),
  },
];

/** One cell: the answer must be Spot's envelope; ok / no / nf / 401, or what else it was. */
function outcome(a: SpotAnswer): string {
  const r = a.body?.response;
  if (!r || r.status?.code !== a.status || typeof a.body?.request?.id !== "string") {
    return `not-an-envelope(${a.status})`;
  }
  const code: string | undefined = r.errors?.[0]?.code;
  if (a.status === 200) return "ok";
  if (a.status === 403 && code === "FORBIDDEN") return "no";
  if (a.status === 401 && code === "UNAUTHORIZED") return "401";
  if (a.status === 400 && code?.endsWith("_DOESNT_EXIST")) return "nf";
  return `${a.status}:${code}:${r.errors?.[0]?.message}`;
}

test("the matrix names every route the emulator serves", () => {
  const { allRoutes } = jest.requireActual("../../src/emulator/routes") as typeof import("../../src/emulator/routes");
  const covered = new Set(ROWS.map((r) => r.name.split(" (")[0].split("?")[0]));
  const missing = allRoutes.map((r) => `${r.method} ${r.path}`).filter((r) => !covered.has(r));
  expect(missing).toEqual([]);
});

describe.each(ROWS.map((r) => [r.name, r] as const))("%s", (_name, row) => {
  test(`adm edt vwr cEd aEd aVw pol p3 orgp oth: ${row.expect}; no token: 401`, async () => {
    const got: string[] = [];
    for (const who of PRINCIPALS) {
      const w = await world();
      const req = await row.request(w, who);
      const a = await call(emu.url, req.method, req.path, { token: w.tokens[who], body: req.body });
      const o = outcome(a);
      got.push(o);
      if (who === "oth" && a.status === 200) {
        const text = JSON.stringify(a.body.response);
        const leaked = w.ids.filter((id) => text.includes(id));
        expect({ leaked }).toEqual({ leaked: [] });
      }
      if (o === "ok" && row.destroys) dirty = true;
    }
    expect(got.join(" ")).toBe(row.expect.split(/\s+/).join(" "));
    const w = await world();
    const req = await row.request(w, "adm");
    expect(outcome(await call(emu.url, req.method, req.path, { token: null, body: req.body }))).toBe("401");
  });
});

describe("escalation through account-scoped grants (the reported attack)", () => {
  test("an ACCOUNT policy allowing * on one account creates no users, deletes no other account", async () => {
    const w = await world();
    const api = (method: string, path: string, body?: unknown) =>
      call(emu.url, method, path, { token: w.tokens.pol, body });
    const pu = await api("POST", "/setup/user/programmatic?generateToken=true", {
      name: unique("rogue"),
      accounts: [{ id: w.foreign.aws, role: "editor" }],
    });
    expect(outcome(pu)).toBe("no");
    const admin = await api("POST", "/setup/user?generateToken=true", {
      firstName: "Rogue",
      lastName: "Admin",
      email: `${unique("rogue")}@m.example.com`,
      role: "admin",
    });
    expect(outcome(admin)).toBe("no");
    expect(outcome(await api("DELETE", `/setup/account/${w.foreign.gcp}`))).toBe("no");
    expect(outcome(await api("DELETE", `/setup/account/${w.home.gcp}`))).toBe("no");
    const still = await call(emu.url, "GET", `/setup/account/${w.foreign.gcp}`, { token: w.tokens.adm });
    expect(items(still)[0].id).toBe(w.foreign.gcp);
    // What it may do: everything account-scoped on its own account.
    expect(outcome(await api("PUT", `/setup/account/${w.home.gcp}`, { account: { name: "home-gcp" } }))).toBe("ok");
  });

  test("built-in policy 3 on one account reads that account, not the users or the audit log", async () => {
    const w = await world();
    const api = (path: string) => call(emu.url, "GET", path, { token: w.tokens.p3 });
    expect(outcome(await api(`/setup/account/${w.home.aws}`))).toBe("ok");
    expect(outcome(await api("/setup/user"))).toBe("no");
    expect(outcome(await api("/setup/organization/user"))).toBe("no");
    expect(outcome(await api(`/audit/events?fromDate=0&toDate=${Date.now()}`))).toBe("no");
    expect(items(await api("/setup/account")).map((a) => a.accountId)).toEqual([w.home.aws, w.home.azure, w.home.gcp]);
  });
});

describe("policy scopes", () => {
  async function policy(w: World, actions: string[], effect = "ALLOW", type?: string): Promise<string> {
    const a = await call(emu.url, "POST", "/setup/access/policy", {
      token: w.tokens.adm,
      body: {
        policy: {
          name: unique("scoped"),
          type,
          policyContent: { statements: [{ effect, actions, resources: ["*"] }] },
        },
      },
    });
    expect(a.status).toBe(200);
    return items(a)[0].id;
  }
  async function bot(w: World, body: Record<string, unknown>) {
    const a = await call(emu.url, "POST", "/setup/user/programmatic", {
      token: w.tokens.adm,
      body: { name: unique("scoped-bot"), ...body },
    });
    expect(a.status).toBe(200);
    return { id: items(a)[0].id as string, token: items(a)[0].token as string };
  }

  test("setup:createUser in an ORGANIZATION policy adds viewers, not admins or editors, and deletes no admin", async () => {
    const w = await world();
    const org = await policy(w, ["setup:createUser", "setup:deleteUser"]);
    const { token } = await bot(w, { policies: [{ policyId: org, accountIds: [] }] });
    const create = (role: string) =>
      call(emu.url, "POST", "/setup/user", {
        token,
        body: { firstName: "By", lastName: "Policy", email: `${unique(role)}@m.example.com`, role },
      });
    expect(outcome(await create("viewer"))).toBe("ok");
    expect(outcome(await create("editor"))).toBe("no");
    expect(outcome(await create("admin"))).toBe("no");
    expect(outcome(await call(emu.url, "DELETE", `/setup/user/${w.selfIds.adm}`, { token }))).toBe("no");
    expect(outcome(await call(emu.url, "DELETE", `/setup/user/${w.selfIds.vwr}`, { token }))).toBe("ok");
    dirty = true; // a principal of the world is gone
  });

  test("an ORGANIZATION policy grants no account action, wherever it is mapped", async () => {
    const w = await world();
    const org = await policy(w, ["*"], "ALLOW", "ORGANIZATION");
    const { token } = await bot(w, { policies: [{ policyId: org, accountIds: ["*"] }] });
    expect(outcome(await call(emu.url, "GET", "/setup/organization/user", { token }))).toBe("ok");
    expect(outcome(await call(emu.url, "GET", `/setup/account/${w.home.aws}`, { token }))).toBe("no");
    expect(items(await call(emu.url, "GET", "/setup/account", { token }))).toEqual([]);
  });

  test("a POLICY_BASED account mapping is scoped to its account: an ORGANIZATION policy in it grants nothing", async () => {
    const w = await world();
    const org = await policy(w, ["setup:createAccount"]);
    const { id, token } = await bot(w, { accounts: [{ id: w.home.aws, role: "viewer" }] });
    const map = await call(emu.url, "POST", `/setup/accountUserMapping?accountId=${w.foreign.aws}`, {
      token: w.tokens.adm,
      body: {
        mappings: [{ userId: id, accountId: w.foreign.aws, permissionStrategy: "POLICY_BASED", policyIds: [org] }],
      },
    });
    expect(map.status).toBe(200);
    expect(outcome(await call(emu.url, "POST", "/setup/account", { token, body: { account: { name: "x" } } }))).toBe(
      "no",
    );
    // The mapping itself makes the user a viewer of that account.
    expect(outcome(await call(emu.url, "GET", `/setup/account/${w.foreign.aws}`, { token }))).toBe("ok");
  });

  test("an ACCOUNT policy mapped on no account grants nothing", async () => {
    const w = await world();
    const all = await policy(w, ["*"]);
    const { token } = await bot(w, { policies: [{ policyId: all, accountIds: [] }] });
    expect(items(await call(emu.url, "GET", "/setup/account", { token }))).toEqual([]);
    expect(outcome(await call(emu.url, "GET", `/setup/account/${w.home.aws}`, { token }))).toBe("no");
  });

  test("a DENY wins within its scope; an account-scope DENY leaves organization grants alone", async () => {
    const w = await world();
    const allow = await policy(w, ["*"]);
    const deny = await policy(w, ["setup:describeCredentials", "setup:createAccount"], "DENY");
    const org = await policy(w, ["setup:createAccount"]);
    const { token } = await bot(w, {
      policies: [
        { policyId: allow, accountIds: [w.home.aws] },
        { policyId: deny, accountIds: [w.home.aws] },
        { policyId: org, accountIds: [] },
      ],
    });
    const get = (path: string) => call(emu.url, "GET", path, { token });
    expect(outcome(await get(`/setup/credentials/aws?accountId=${w.home.aws}`))).toBe("no");
    expect(outcome(await get(`/setup/account/${w.home.aws}`))).toBe("ok");
    const created = await call(emu.url, "POST", "/setup/account", { token, body: { account: { name: "allowed" } } });
    expect(outcome(created)).toBe("ok");
  });
});
