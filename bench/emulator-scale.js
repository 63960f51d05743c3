#!/usr/bin/env node
/* global setImmediate */
/**
 * Emulator CPU per route as the organization grows. For each size N (default 1,000 and 5,000), a fresh child
 * process gets an organization of N accounts and N console users (each attached to one account), 20 groups,
 * 20 access policies, 20 notification policies and 20 subscriptions, then serves a fixed number of requests per
 * route. The child reports its own process.cpuUsage() around each batch, so the figures are the emulator's CPU
 * only (not this load generator's). A route whose cost does not depend on the organization's size shows the same
 * µs/request at both sizes; list routes answer N items and are reported per item as well.
 *
 * The organization is seeded straight into the SQLite store of the child (one transaction) before the server
 * starts: seeding 10,000 objects over HTTP would measure the seeding, not the routes.
 *
 *   npm run build && node bench/emulator-scale.js [--sizes 1000,5000] [--requests 300]
 *
 * Also "plan": what a client's refresh of the whole organization costs the emulator (GET of every account, every
 * user and every user's account mapping: 3N requests). Nothing is asserted.
 */
"use strict";
const { fork } = require("node:child_process");
const http = require("node:http");
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { arg, dist, httpRequest, machineNote, mapLimit, runMain, table, writeSummary } = require("./lib/common");

const TOKEN = "scale-bench-token";
const EDITOR_TOKEN = "scale-bench-editor-token";

// ---- child: seed the store, then serve -------------------------------------------------------------------

function seed(dataDir, n) {
  const { Store } = dist("emulator/store");
  const { bootstrapOrganization, ensureBuiltIns, issueToken, newAccount } = dist("emulator/bootstrap");
  const store = new Store(dataDir);
  ensureBuiltIns(store);
  const org = bootstrapOrganization(store, { token: TOKEN });
  const now = new Date();
  const out = { accounts: [org.accountId], users: [], emails: [], groups: [], npolicies: [], subscriptions: [] };
  store.tx(() => {
    for (let i = 1; i < n; i++) {
      const acc = newAccount(store, org.organizationId, `account-${i}`, now);
      store.insert("account", org.organizationId, acc);
      out.accounts.push(acc.id);
    }
    for (let i = 0; i < n; i++) {
      const email = `user-${i}@scale.example.com`;
      const user = {
        id: store.newId("user", "u-"),
        type: "personal",
        legacyId: store.nextCounter("user"),
        createdAt: now.toISOString(),
        email,
        firstName: "User",
        lastName: String(i),
        mfa: false,
        policies: [],
        accounts: { [out.accounts[i % n]]: { permissionStrategy: "ROLE_BASED", role: "viewer" } },
      };
      store.insert("user", "*", user);
      store.setMembership(user.id, org.organizationId, "viewer");
      out.users.push(user.id);
      out.emails.push(email);
    }
    // A programmatic account editor of the default account: reads and writes through the permission checks.
    const bot = {
      id: store.newId("user", "pu-"),
      type: "programmatic",
      legacyId: store.nextCounter("user"),
      createdAt: now.toISOString(),
      name: "scale-bot",
      description: "",
      mfa: false,
      policies: [],
      accounts: { [org.accountId]: { permissionStrategy: "ROLE_BASED", role: "editor" } },
    };
    store.insert("user", "*", bot);
    store.setMembership(bot.id, org.organizationId, null);
    issueToken(store, bot.id, org.organizationId, "bench", EDITOR_TOKEN);
    for (let i = 0; i < 20; i++) {
      const policy = {
        id: store.newId("policy", "pol-"),
        orgId: org.organizationId,
        name: `policy-${i}`,
        description: "",
        type: "ACCOUNT",
        statements: [{ effect: "ALLOW", actions: ["ocean:*"], resources: ["*"] }],
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      store.insert("policy", org.organizationId, policy);
      const group = {
        id: store.newId("group", "ugr-"),
        orgId: org.organizationId,
        name: `group-${i}`,
        description: "",
        createdAt: now.toISOString(),
        userIds: out.users.slice(i * 10, i * 10 + 10),
        policies: [{ policyId: policy.id, accountIds: [out.accounts[i]] }],
      };
      store.insert("group", org.organizationId, group);
      out.groups.push(group.id);
      const np = {
        id: store.newId("npolicy", "snp-"),
        orgId: org.organizationId,
        accountId: org.accountId,
        ownerUserId: org.userId,
        name: `np-${i}`,
        description: "",
        privacyLevel: "public",
        isActive: true,
        subscriptions: [{ type: "email", endpoint: "ops@scale.example.com" }],
        registeredUsers: [],
        computePolicyConfig: { events: [{ event: "Scale up failed", type: "ERROR" }], shouldIncludeAllResources: true },
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      store.insert("npolicy", org.organizationId, np);
      out.npolicies.push(np.id);
      const sub = {
        id: store.newId("subscription", "sis-"),
        orgId: org.organizationId,
        accountId: org.accountId,
        resourceId: `sig-${String(i).padStart(8, "0")}`,
        protocol: "email",
        endpoint: "ops@scale.example.com",
        eventType: "GROUP_UPDATED",
        eventFormat: null,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      store.insert("subscription", org.organizationId, sub);
      out.subscriptions.push(sub.id);
    }
  });
  return store.close().then(() => ({ ...out, organizationId: org.organizationId, adminId: org.userId }));
}

async function serve(dataDir, n) {
  const seeded = await seed(dataDir, n);
  const { startEmulator } = dist("emulator");
  const emu = await startEmulator({ data: dataDir, rateLimitPerMinute: 1e9 });
  process.send({ url: emu.url, seeded });
  process.on("message", (m) => {
    if (m === "cpu") {
      const u = process.cpuUsage();
      process.send({ cpu: (u.user + u.system) / 1000 });
    } else if (m === "stop") emu.close().then(() => process.exit(0));
  });
}

if (process.argv[2] === "--serve") {
  serve(process.argv[3], Number(process.argv[4])).catch((e) => {
    console.error(e);
    process.exit(1);
  });
  return;
}

// ---- parent: drive the child ----------------------------------------------------------------------------

const SIZES = String(arg("sizes", "1000,5000"))
  .split(",")
  .map((s) => Number(s.trim()));
const REQUESTS = arg("requests", 300);
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

function request(base, method, path, body, token = TOKEN) {
  return httpRequest({ agent, url: base + path, method, token: token, body });
}

function childCpu(child) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m && typeof m.cpu === "number") {
        child.off("message", on);
        resolve(m.cpu);
      }
    };
    child.on("message", on);
    child.send("cpu");
  });
}

/** Child CPU (ms) spent answering `count` requests made by make(i), 4 at a time; every answer must be 200. */
async function cpuOf(child, count, make) {
  // Let the child settle (no request in flight) before and after the batch.
  await new Promise((r) => setImmediate(r));
  const before = await childCpu(child);
  let bad;
  await mapLimit(
    Array.from({ length: count }, (_, i) => i),
    4,
    async (i) => {
      const r = await make(i);
      if (r.status !== 200 && !bad) bad = `${r.status} ${r.text.slice(0, 200)}`;
    },
  );
  const after = await childCpu(child);
  if (bad) throw new Error(`a request failed: ${bad}`);
  return after - before;
}

function routes(s) {
  const pick = (list, i) => list[i % list.length];
  const q = encodeURIComponent;
  let created = 0;
  return [
    ["GET /setup/account/{id}", (u, i) => request(u, "GET", `/setup/account/${pick(s.accounts, i * 7)}`)],
    ["GET /setup/user/{id}", (u, i) => request(u, "GET", `/setup/user/${pick(s.users, i * 7)}`)],
    [
      "GET /setup/accountUserMapping?userEmail=",
      (u, i) => request(u, "GET", `/setup/accountUserMapping?userEmail=${q(pick(s.emails, i * 7))}`),
    ],
    [
      "GET /setup/credentials/aws?accountId=",
      (u, i) => request(u, "GET", `/setup/credentials/aws?accountId=${pick(s.accounts, i * 7)}`),
    ],
    ["GET /setup/access/userGroup/{id}", (u, i) => request(u, "GET", `/setup/access/userGroup/${pick(s.groups, i)}`)],
    ["GET /setup/organization/policy", (u) => request(u, "GET", "/setup/organization/policy")],
    [
      "GET /notificationCenter/policy/{id}",
      (u, i) => request(u, "GET", `/notificationCenter/policy/${pick(s.npolicies, i)}`),
    ],
    [
      "GET /events/subscription/{id}",
      (u, i) => request(u, "GET", `/events/subscription/${pick(s.subscriptions, i)}?accountId=${s.accounts[0]}`),
    ],
    [
      "GET /setup/account/{id} (account editor)",
      (u) => request(u, "GET", `/setup/account/${s.accounts[0]}`, undefined, EDITOR_TOKEN),
    ],
    [
      "POST /setup/credentials/aws/externalId (account editor)",
      (u) =>
        request(u, "POST", `/setup/credentials/aws/externalId?accountId=${s.accounts[0]}`, undefined, EDITOR_TOKEN),
    ],
    [
      "PUT /setup/account/{id}",
      (u, i) => request(u, "PUT", `/setup/account/${pick(s.accounts, i * 7)}`, { account: { name: `renamed-${i}` } }),
    ],
    ["POST /setup/account", (u, i) => request(u, "POST", "/setup/account", { account: { name: `bench-${i}` } })],
    [
      "POST /setup/user",
      (u) =>
        request(u, "POST", "/setup/user", {
          firstName: "New",
          lastName: "User",
          email: `new-${created++}-${s.size}@scale.example.com`,
        }),
    ],
    [
      "PUT /setup/user/{id}/policyMapping",
      (u, i) =>
        request(u, "PUT", `/setup/user/${pick(s.users, i * 7)}/policyMapping`, {
          policies: [{ policyId: "3", accountIds: [pick(s.accounts, i)] }],
        }),
    ],
    [
      "POST /setup/account/{id}/user",
      (u, i) =>
        request(u, "POST", `/setup/account/${pick(s.accounts, i * 3)}/user`, {
          userEmail: pick(s.emails, i * 7),
          role: "viewer",
        }),
    ],
    [
      "PUT /notificationCenter/policy/{id}",
      (u, i) => request(u, "PUT", `/notificationCenter/policy/${pick(s.npolicies, i)}`, { isActive: i % 2 === 0 }),
    ],
  ];
}

async function measureSize(n) {
  const dir = mkdtempSync(join(tmpdir(), "spot-emu-scale-"));
  const child = fork(module.filename, ["--serve", dir, String(n)], { stdio: "inherit" });
  try {
    const { url, seeded } = await new Promise((resolve, reject) => {
      child.once("message", resolve);
      child.once("exit", (code) => reject(new Error(`child exited (${code})`)));
    });
    const s = { ...seeded, size: n };
    const rows = {};
    for (const [name, make] of routes(s)) {
      process.stderr.write(`  N=${n}: ${name}\n`);
      await cpuOf(child, 30, (i) => make(url, i + 10_000)); // warm-up, not counted
      rows[name] = ((await cpuOf(child, REQUESTS, (i) => make(url, i))) * 1000) / REQUESTS;
    }
    // List routes answer N items: per request and per item.
    for (const [name, path] of [
      ["GET /setup/account (list)", "/setup/account"],
      ["GET /setup/user (list)", "/setup/user"],
    ]) {
      // One request each: before the caches, GET /setup/user parsed every account once per user (N² parses).
      rows[name] = (await cpuOf(child, 1, () => request(url, "GET", path))) * 1000;
    }
    // Deletes: fresh objects created outside the measured batch.
    const fresh = [];
    for (let i = 0; i < 50; i++) {
      const r = await request(url, "POST", "/setup/user", {
        firstName: "Del",
        lastName: "User",
        email: `del-${i}@scale.example.com`,
      });
      fresh.push(JSON.parse(r.text).response.items[0].userId);
    }
    rows["DELETE /setup/user/{id}"] =
      ((await cpuOf(child, fresh.length, (i) => request(url, "DELETE", `/setup/user/${fresh[i]}`))) * 1000) /
      fresh.length;
    const freshAccounts = [];
    for (let i = 0; i < 50; i++) {
      const r = await request(url, "POST", "/setup/account", { account: { name: `del-${i}` } });
      freshAccounts.push(JSON.parse(r.text).response.items[0].id);
    }
    rows["DELETE /setup/account/{id}"] =
      ((await cpuOf(child, freshAccounts.length, (i) => request(url, "DELETE", `/setup/account/${freshAccounts[i]}`))) *
        1000) /
      freshAccounts.length;
    // The client plan: every account, every user and every user's mappings read once.
    const plan = [
      ...s.accounts.map((id) => () => request(url, "GET", `/setup/account/${id}`)),
      ...s.users.map((id) => () => request(url, "GET", `/setup/user/${id}`)),
      ...s.emails.map((e) => () => request(url, "GET", `/setup/accountUserMapping?userEmail=${encodeURIComponent(e)}`)),
    ];
    const planMs = await cpuOf(child, plan.length, (i) => plan[i]());
    return { rows, planMs, planRequests: plan.length };
  } finally {
    child.send("stop");
    await new Promise((r) => child.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const results = [];
  for (const n of SIZES) results.push({ n, ...(await measureSize(n)) });
  agent.destroy();
  console.log(
    `Emulator CPU per request (µs, child process only), ${REQUESTS} requests per route, organization of N accounts + N users`,
  );
  console.log(machineNote());
  const names = Object.keys(results[0].rows);
  const first = results[0];
  const last = results[results.length - 1];
  console.log(
    table(
      ["route", ...results.map((r) => `N=${r.n.toLocaleString("en-US")}`), `ratio ${last.n}/${first.n}`],
      [
        ...names.map((name) => [
          name,
          ...results.map((r) => r.rows[name].toFixed(0)),
          (last.rows[name] / first.rows[name]).toFixed(2),
        ]),
        [
          "plan: GET every account, user, mapping (3N requests), ms total",
          ...results.map((r) => r.planMs.toFixed(0)),
          (last.planMs / first.planMs).toFixed(2),
        ],
        [
          "plan, µs per request",
          ...results.map((r) => ((r.planMs * 1000) / r.planRequests).toFixed(0)),
          ((last.planMs / last.planRequests / (first.planMs / first.planRequests)) * 1).toFixed(2),
        ],
      ],
    ),
  );
  console.log(
    "List routes answer N items (their cost is linear in the answer by nature); every other route should not grow with N.",
  );
  writeSummary("9. emulator cost at scale", [
    {
      measure: `emulator CPU per plan request, N=${last.n.toLocaleString("en-US")} against N=${first.n.toLocaleString("en-US")}`,
      ours: `${((last.planMs * 1000) / last.planRequests).toFixed(0)} µs`,
      baseline: `${((first.planMs * 1000) / first.planRequests).toFixed(0)} µs`,
      result: `${(last.planMs / last.planRequests / (first.planMs / first.planRequests)).toFixed(2)}x`,
      target: "flat",
    },
  ]);
}

runMain("bench/emulator-scale", main);
