/**
 * Persistence and the CLI, with the built emulator in child processes (`npm test` builds dist/ first):
 * a restart loses nothing, and a process killed in the middle of writes leaves a consistent store.
 */
import Database from "better-sqlite3";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { call, items } from "./http";

const BIN = join(__dirname, "../../bin/spot-iac");
const dirs: string[] = [];
const children: ChildProcess[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "spot-emu-"));
  dirs.push(d);
  return d;
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  url: string;
  lines: string[];
  exited: Promise<{ code: number | null; signal: string | null; stderr: string }>;
}

/** Starts `spot-iac emulator …` and waits for its one line on stdout. */
function startCli(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [BIN, "emulator", "--port", "0", "--admin-token", "adm", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const lines: string[] = [];
  const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stderr })),
  );
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on("line", (line) => {
      lines.push(line);
      const m = /^Spot API emulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
      if (lines.length === 1) {
        if (m && m[2] !== "0") resolve({ child, url: m[1], lines, exited });
        else reject(new Error(`unexpected first line: ${line}`));
      }
    });
    exited.then((e) => reject(new Error(`emulator exited early (${e.code ?? e.signal}): ${e.stderr}`)));
  });
}

test("CLI: one line, clean stop on SIGTERM, and a restart loses nothing", async () => {
  const data = tempDir();
  const first = await startCli(["--data", data, "--token", "T1"]);
  const acc = items(
    await call(first.url, "POST", "/setup/account", { token: "T1", body: { account: { name: "kept" } } }),
  )[0].id;
  const user = await call(first.url, "POST", "/setup/user?generateToken=true", {
    token: "T1",
    body: { firstName: "Kept", lastName: "User", email: "kept@example.com" },
  });
  const userToken = items(user)[0].personalAccessToken;
  await call(first.url, "POST", `/setup/credentials/aws?accountId=${acc}`, {
    token: "T1",
    body: { credentials: { iamRole: "arn:aws:iam::123456789012:role/Kept" } },
  });
  first.child.kill("SIGTERM");
  const stopped = await first.exited;
  expect(stopped.code).toBe(0);
  expect(first.lines).toHaveLength(1);

  // No --token this time: the store is not empty, T1 and the user's token still work.
  const second = await startCli(["--data", data]);
  const accounts = items(await call(second.url, "GET", "/setup/account", { token: "T1" }));
  expect(accounts.find((a) => a.accountId === acc)).toMatchObject({ name: "kept", providerExternalId: "123456789012" });
  expect((await call(second.url, "GET", "/setup/account", { token: userToken })).status).toBe(200);
  const events = items(
    await call(second.url, "GET", `/audit/events?fromDate=0&toDate=${Date.now() + 1000}`, { token: "T1" }),
  );
  expect(events.map((e) => e.actionType)).toEqual(["Create Account", "Create User", "Set AWS Credentials"]);
  second.child.kill("SIGINT");
  expect((await second.exited).code).toBe(0);
});

test("CLI: --data and --memory together are refused with a clear message", async () => {
  const child = spawn(process.execPath, [BIN, "emulator", "--data", tempDir(), "--memory"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  expect(code).not.toBe(0);
  expect(stderr).toContain("either --data DIR or --memory");
});

test("a process killed in the middle of writes leaves a consistent store, with every acknowledged write", async () => {
  const data = tempDir();
  const emu = await startCli(["--data", data, "--token", "T2"]);
  const acknowledged: string[] = [];
  let stop = false;
  let sent = 0;
  const worker = async () => {
    while (!stop) {
      const email = `w${sent++}@example.com`;
      try {
        const a = await call(emu.url, "POST", "/setup/user?generateToken=true", {
          token: "T2",
          body: { firstName: "W", lastName: "Riter", email },
        });
        if (a.status === 200) acknowledged.push(email);
      } catch {
        return; // the process is gone
      }
    }
  };
  const workers = Array.from({ length: 16 }, worker);
  const deadline = Date.now() + 30_000;
  while (acknowledged.length < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  expect(acknowledged.length).toBeGreaterThanOrEqual(300);
  emu.child.kill("SIGKILL"); // requests are in flight: some transactions were mid-way
  stop = true;
  await Promise.all(workers);
  expect((await emu.exited).signal).toBe("SIGKILL");

  const db = new Database(join(data, "spot-emulator.db"));
  expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
  db.close();

  const again = await startCli(["--data", data]);
  const users = items(await call(again.url, "GET", "/setup/organization/user", { token: "T2" }));
  const emails = new Set(users.map((u) => u.email));
  for (const e of acknowledged) expect(emails.has(e)).toBe(true);
  // Each user, its membership, its token and its audit event were one transaction: all or nothing.
  const created = users.filter((u) => u.email !== "admin@example.com");
  const events = items(
    await call(again.url, "GET", `/audit/events?fromDate=0&toDate=${Date.now() + 1000}`, { token: "T2" }),
  );
  expect(events.filter((e) => e.actionType === "Create User")).toHaveLength(created.length);
  const sample = created[created.length - 1];
  const details = items(await call(again.url, "GET", `/setup/user/${sample.userId}`, { token: "T2" }))[0];
  expect(details.tokens).toHaveLength(1);
  again.child.kill("SIGTERM");
  expect((await again.exited).code).toBe(0);
});
