/**
 * Managed objects for the benchmarks, created through the resource engine (the kinds' own create, as every
 * front-end does), one SpotClient per organization. What comes back is what a Pulumi or Terraform state
 * would hold: per object its kind, id, checked inputs and outputs.
 */
"use strict";
const { dist, mapLimit } = require("./common");

/** Share of each kind in a "platform team" organization: accounts with connections, people, access, alerts. */
const PLATFORM_MIX = [
  ["Account", 0.2],
  ["AwsConnection", 0.1],
  ["AccessPolicy", 0.1],
  ["User", 0.2],
  ["UserAttachment", 0.2],
  ["UserGroup", 0.1],
  ["NotificationPolicy", 0.1],
];

function mixCounts(perOrg, mix = PLATFORM_MIX) {
  const counts = Object.fromEntries(mix.map(([k, share]) => [k, Math.max(1, Math.round(perOrg * share))]));
  // Rounding must not change the total: the last kind absorbs the difference.
  const last = mix[mix.length - 1][0];
  counts[last] += perOrg - Object.values(counts).reduce((a, b) => a + b, 0);
  return counts;
}

/** The GET the peer pattern issues to read one object (terraform-provider-spotinst's Read of each kind). */
function peerReadPath(entry) {
  const o = entry.outputs;
  const q = encodeURIComponent;
  switch (entry.kind) {
    case "Account":
      return `/setup/account/${q(entry.id)}`;
    case "AwsExternalId":
      return `/setup/credentials/aws/externalId/${q(entry.id)}`;
    case "AwsConnection":
      return `/setup/credentials/aws?accountId=${q(entry.id)}`;
    case "AzureConnection":
      return `/azure/setup/credentials?accountId=${q(entry.id)}`;
    case "GcpConnection":
      return `/gcp/setup/credentials?accountId=${q(entry.id)}`;
    case "AccessPolicy":
      // No get-by-id in Spot: the peer lists the organization's policies and filters, once per policy.
      return "/setup/organization/policy";
    case "User":
    case "ProgrammaticUser":
      return `/setup/user/${q(entry.id)}`;
    case "UserAttachment":
      return `/setup/accountUserMapping?userEmail=${q(o.userEmail)}`;
    case "UserGroup":
      return `/setup/access/userGroup/${q(entry.id)}`;
    case "NotificationPolicy":
      return `/notificationCenter/policy/${q(entry.id)}?accountId=${q(o.accountId)}`;
    default:
      throw new Error(`no peer read defined for kind ${entry.kind}`);
  }
}

/** One SpotClient + ResourceContext per organization token (what each front-end builds). */
function contextFor(baseUrl, token, options = {}) {
  const { SpotClient } = dist("api");
  const warnings = [];
  const client = new SpotClient({ token, baseUrl, frontend: options.frontend ?? "sdk", ...options.client });
  return { client, warn: (m) => warnings.push(m), warnings };
}

async function createChecked(ctx, kind, raw) {
  const { checkInputs, formatFailures } = dist("core");
  const { inputs, failures } = checkInputs(kind.fields, raw, { check: kind.check });
  if (failures.length) throw new Error(formatFailures(kind.name, raw.name ?? raw.email ?? "?", failures));
  const { id, outputs } = await kind.create({ ctx, inputs });
  return { kind: kind.name, id, inputs, outputs };
}

/**
 * Create `perOrg` objects of the platform mix in one organization through `create(kindName, rawInputs)`, which
 * returns `{kind, id, inputs, outputs}` (the engine's create here, the Pulumi host's Check+Create in figure 4).
 * Kinds go in dependency order; objects of a kind are created `concurrency` at a time.
 */
async function seedMix(create, orgIndex, perOrg, { concurrency = 8, tag = "b" } = {}) {
  const counts = mixCounts(perOrg);
  const state = [];
  const make = async (kindName, n, inputsOf) => {
    const made = await mapLimit(
      Array.from({ length: n }, (_, i) => i),
      concurrency,
      (i) => create(kindName, inputsOf(i)),
    );
    state.push(...made);
    return made;
  };
  const accounts = await make("Account", counts.Account, (i) => ({ name: `${tag}-acct-${i}` }));
  await make("AwsConnection", counts.AwsConnection, (i) => ({
    accountId: accounts[i % accounts.length].id,
    // A distinct (fake) AWS account number per connection.
    iamRole: `arn:aws:iam::${String(100000000000 + orgIndex * 1000 + i)}:role/SpotAccess`,
  }));
  const policies = await make("AccessPolicy", counts.AccessPolicy, (i) => ({
    name: `${tag}-policy-${i}`,
    description: "read clusters",
    statements: [{ effect: "ALLOW", actions: ["ocean:describeCluster"], resources: ["*"] }],
  }));
  const users = await make("User", counts.User, (i) => ({
    email: `${tag}-user${i}@org${orgIndex}.example.com`,
    firstName: "Bench",
    lastName: `User${i}`,
    role: "viewer",
  }));
  await make("UserAttachment", counts.UserAttachment, (i) => ({
    accountId: accounts[i % accounts.length].id,
    userEmail: users[i % users.length].inputs.email,
    role: i % 2 ? "editor" : "viewer",
  }));
  await make("UserGroup", counts.UserGroup, (i) => ({
    name: `${tag}-group-${i}`,
    description: "bench group",
    userIds: [users[(2 * i) % users.length].id, users[(2 * i + 1) % users.length].id].filter(
      (v, j, a) => a.indexOf(v) === j,
    ),
    policies: [{ policyId: policies[i % policies.length].id, accountIds: [accounts[i % accounts.length].id] }],
  }));
  await make("NotificationPolicy", counts.NotificationPolicy, (i) => ({
    accountId: accounts[i % accounts.length].id,
    name: `${tag}-alerts-${i}`,
    description: "capacity alerts",
    subscriptions: [{ type: "email", endpoint: "oncall@example.com" }],
    events: [{ event: "Maximum capacity reached", type: "WARN" }],
    shouldIncludeAllResources: true,
  }));
  return state;
}

/** The platform mix in one organization, created through the resource engine. */
function seedOrganization(ctx, orgIndex, perOrg, opts = {}) {
  const { kindByName } = dist("resources");
  return seedMix((kindName, raw) => createChecked(ctx, kindByName(kindName), raw), orgIndex, perOrg, opts);
}

/**
 * `orgs` organizations bootstrapped in the emulator, each seeded with `perOrg` objects. Returns per
 * organization its token and state.
 */
async function seedOrganizations(emu, orgs, perOrg, opts = {}) {
  const out = [];
  await Promise.all(
    Array.from({ length: orgs }, async (_, i) => {
      const boot = await emu.control.bootstrap({
        organizationName: `${opts.tag ?? "bench"} org ${i}`,
        adminEmail: `admin@${opts.tag ?? "bench"}-org${i}.example.com`,
      });
      const ctx = contextFor(emu.url, boot.token);
      const state = await seedOrganization(ctx, i, perOrg, opts);
      ctx.client.close();
      out[i] = { index: i, token: boot.token, organizationId: boot.organizationId, state };
    }),
  );
  return out;
}

module.exports = {
  PLATFORM_MIX,
  mixCounts,
  peerReadPath,
  contextFor,
  createChecked,
  seedMix,
  seedOrganization,
  seedOrganizations,
};
