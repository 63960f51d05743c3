#!/usr/bin/env node
/**
 * Figure 3b — `terraform plan` of 200 resources: the real terraform binary, the real provider installed through
 * a filesystem mirror (`spot-iac terraform install`, then `terraform init` offline), against the emulator in a
 * child process. The 200 resources (the platform mix: accounts, AWS connections, access policies, users, user
 * attachments, user groups, notification policies) are created by `terraform apply` first (timed, for
 * information); then `terraform plan` (refresh of all 200, must say "No changes") is timed 3 times.
 *
 * Baselines in the same run: `terraform plan -refresh=false` (Terraform and provider start-up with no reads:
 * the floor of any plan), and the peer pattern's reads of the same 200 objects (one GET each, parallelism 10,
 * as terraform-provider-spotinst refreshes) against the same emulator. API calls are counted by the emulator.
 * Prints a SKIP line and exits 0 when terraform is not on PATH.
 *
 *   node bench/terraform-plan.js [--resources 200] [--repeat 3]
 */
"use strict";
const { spawn, spawnSync, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const {
  arg,
  fmt,
  machineNote,
  mapLimit,
  PeerClient,
  ROOT,
  runMain,
  startEmulator,
  summary,
  table,
  timed,
  writeSummary,
} = require("./lib/common");
const { mixCounts, peerReadPath } = require("./lib/seed");

const RESOURCES = arg("resources", 200);
const REPEAT = arg("repeat", 3);

const terraformPath = (() => {
  const r = spawnSync("sh", ["-c", "command -v terraform"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
})();

function configFor(counts, version) {
  const c = counts;
  return `terraform {
  required_providers {
    spot = { source = "spot-iac/spot", version = "${version}" }
  }
}

provider "spot" {}

resource "spot_account" "a" {
  count = ${c.Account}
  name  = "tf-acct-\${count.index}"
}

resource "spot_aws_connection" "c" {
  count      = ${c.AwsConnection}
  account_id = spot_account.a[count.index % ${c.Account}].id
  iam_role   = "arn:aws:iam::\${200000000000 + count.index}:role/SpotAccess"
}

resource "spot_access_policy" "p" {
  count       = ${c.AccessPolicy}
  name        = "tf-policy-\${count.index}"
  description = "read clusters"
  statements  = [{ effect = "ALLOW", actions = ["ocean:describeCluster"], resources = ["*"] }]
}

resource "spot_user" "u" {
  count      = ${c.User}
  email      = "tf-user\${count.index}@example.com"
  first_name = "Bench"
  last_name  = "User\${count.index}"
  role       = "viewer"
}

resource "spot_user_attachment" "m" {
  count      = ${c.UserAttachment}
  account_id = spot_account.a[count.index % ${c.Account}].id
  user_email = spot_user.u[count.index % ${c.User}].email
  role       = count.index % 2 == 1 ? "editor" : "viewer"
}

resource "spot_user_group" "g" {
  count       = ${c.UserGroup}
  name        = "tf-group-\${count.index}"
  description = "bench group"
  user_ids    = [spot_user.u[(2 * count.index) % ${c.User}].id, spot_user.u[(2 * count.index + 1) % ${c.User}].id]
  policies    = [{ policy_id = spot_access_policy.p[count.index % ${c.AccessPolicy}].id, account_ids = [spot_account.a[count.index % ${c.Account}].id] }]
}

resource "spot_notification_policy" "n" {
  count                        = ${c.NotificationPolicy}
  account_id                   = spot_account.a[count.index % ${c.Account}].id
  name                         = "tf-alerts-\${count.index}"
  description                  = "capacity alerts"
  subscriptions                = [{ type = "email", endpoint = "oncall@example.com" }]
  events                       = [{ event = "Maximum capacity reached", type = "WARN" }]
  should_include_all_resources = true
}
`;
}

function tf(dir, env, ...args) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(terraformPath, args, { cwd: dir, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0 && !(args[0] === "plan" && args.includes("-detailed-exitcode") && code === 2))
        reject(new Error(`terraform ${args.join(" ")} exited ${code}\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`));
      else resolve({ code, ms, stdout, stderr });
    });
  });
}

/** The resources in state, as {kind, id, outputs} for the peer's reads. */
function stateEntries(dir) {
  const tfKinds = {
    spot_account: "Account",
    spot_aws_connection: "AwsConnection",
    spot_access_policy: "AccessPolicy",
    spot_user: "User",
    spot_user_attachment: "UserAttachment",
    spot_user_group: "UserGroup",
    spot_notification_policy: "NotificationPolicy",
  };
  const state = JSON.parse(fs.readFileSync(path.join(dir, "terraform.tfstate"), "utf8"));
  return state.resources.flatMap((r) =>
    r.instances.map((i) => ({
      kind: tfKinds[r.type],
      id: i.attributes.id,
      outputs: { userEmail: i.attributes.user_email, accountId: i.attributes.account_id },
    })),
  );
}

async function main() {
  if (!terraformPath) {
    console.log("Figure 3b — terraform plan of 200 resources: SKIP (terraform is not on PATH)");
    writeSummary("3. Terraform provider", [
      {
        measure: `terraform plan, ${RESOURCES} resources`,
        ours: "SKIP: terraform not on PATH",
        baseline: "",
        result: "",
        target: "",
      },
    ]);
    return;
  }
  const { VERSION } = require(path.join(ROOT, "dist/version"));
  const tfVersion = execFileSync(terraformPath, ["version"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  }).split("\n")[0];
  const emu = await startEmulator();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spot-tf-bench-"));
  const counts = mixCounts(RESOURCES);
  let applyMs;
  const plans = [];
  const floors = [];
  let planCalls;
  let planRoutes;
  let peer;
  let initMs;
  try {
    const boot = await emu.control.bootstrap({
      organizationName: "Terraform bench",
      adminEmail: "admin@tf.example.com",
    });
    const rc = path.join(dir, "cli.tfrc");
    execFileSync(
      process.execPath,
      [path.join(ROOT, "bin/spot-iac"), "terraform", "install", "--dir", path.join(dir, "mirror"), "--cli-config", rc],
      { stdio: "ignore" },
    );
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      TF_CLI_CONFIG_FILE: rc,
      CHECKPOINT_DISABLE: "1",
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      SPOTINST_TOKEN: boot.token,
      SPOTINST_BASE_URL: emu.url,
    };
    fs.writeFileSync(path.join(dir, "main.tf"), configFor(counts, VERSION));
    initMs = (await tf(dir, env, "init", "-no-color", "-input=false")).ms;
    applyMs = (await tf(dir, env, "apply", "-auto-approve", "-no-color", "-input=false")).ms;
    for (let i = 0; i < REPEAT; i++) {
      await emu.control.resetStats();
      const r = await tf(dir, env, "plan", "-no-color", "-input=false", "-detailed-exitcode");
      if (r.code !== 0 || !r.stdout.includes("No changes"))
        throw new Error(`terraform plan after apply is not clean (exit ${r.code}):\n${r.stdout.slice(-3000)}`);
      const stats = await emu.control.stats();
      plans.push(r.ms);
      planCalls = stats.total;
      planRoutes = stats.requests;
      const f = await tf(dir, env, "plan", "-refresh=false", "-no-color", "-input=false", "-detailed-exitcode");
      floors.push(f.ms);
    }
    const entries = stateEntries(dir);
    if (entries.length !== RESOURCES) throw new Error(`state holds ${entries.length} resources, expected ${RESOURCES}`);
    const pc = new PeerClient(emu.url, boot.token, 10);
    await emu.control.resetStats();
    const t = await timed(() =>
      mapLimit(entries, 10, async (e) => {
        const r = await pc.request("GET", peerReadPath(e));
        if (r.status !== 200) throw new Error(`peer GET ${peerReadPath(e)} answered ${r.status}`);
      }),
    );
    peer = { ms: t.ms, calls: (await emu.control.stats()).total };
    pc.close();
    await tf(dir, env, "state", "list"); // state is readable: the run is complete
  } finally {
    await emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const p = summary(plans);
  const f = summary(floors);
  console.log(
    `Figure 3b — terraform plan of ${RESOURCES} resources (${tfVersion}, provider through a filesystem mirror)`,
  );
  console.log(machineNote());
  console.log(
    `mix: ${Object.entries(counts)
      .map(([k, c]) => `${c} ${k}`)
      .join(", ")}`,
  );
  console.log(
    table(
      ["", "wall (median)", "min", "max", "API calls"],
      [
        [
          `terraform plan (refresh ${RESOURCES}, "No changes")`,
          fmt.ms(p.p50),
          fmt.ms(p.min),
          fmt.ms(p.max),
          fmt.int(planCalls),
        ],
        ["baseline: terraform plan -refresh=false", fmt.ms(f.p50), fmt.ms(f.min), fmt.ms(f.max), 0],
        ["baseline: peer reads, 1 GET per resource", fmt.ms(peer.ms), "", "", fmt.int(peer.calls)],
        ["(info) terraform init from the mirror", fmt.ms(initMs), "", "", ""],
        [`(info) terraform apply, create ${RESOURCES}`, fmt.ms(applyMs), "", "", ""],
      ],
    ),
  );
  console.log("\nterraform plan, API calls by route:");
  console.log(
    table(
      ["route", "calls"],
      Object.entries(planRoutes).sort((a, b) => b[1] - a[1]),
    ),
  );
  writeSummary("3. Terraform provider", [
    {
      measure: `terraform plan, ${RESOURCES} resources: wall / API calls`,
      ours: `${fmt.ms(p.p50)} / ${fmt.int(planCalls)}`,
      baseline: `-refresh=false ${fmt.ms(f.p50)}; peer ${fmt.int(peer.calls)} GETs`,
      result: fmt.ratio(planCalls, peer.calls),
      target: "",
    },
  ]);
}

runMain("bench/terraform-plan", main);
