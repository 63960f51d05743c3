import type { Command } from "commander";

interface EmulatorCliOptions {
  host: string;
  port: string;
  data?: string;
  memory?: boolean;
  token?: string;
  adminToken?: string;
  rateLimit?: string;
  log?: boolean;
}

function intOption(value: string, name: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min} (got "${value}")`);
  return n;
}

/** `spot-iac emulator`: runs the Spot API emulator until SIGINT/SIGTERM. */
export function register(program: Command): void {
  program
    .command("emulator")
    .description("Run the local Spot API emulator (SQLite store under --data, or in memory)")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--port <port>", "port (0 = any free port)", "0")
    .option("--data <dir>", "directory of the persistent SQLite store (created if missing)")
    .option("--memory", "keep everything in memory (the default without --data)")
    .option("--token <token>", "with an empty store: bootstrap an organization whose admin uses this bearer token")
    .option(
      "--admin-token <token>",
      "bearer token of the /emulator/* control API (without it the control API is locked: a random token nobody sees)",
    )
    .option("--rate-limit <n>", "requests per minute per (organization, route, method)")
    .option("--log", "log each request (secrets redacted) to stderr")
    .action(async (opts: EmulatorCliOptions) => {
      if (opts.data && opts.memory) throw new Error("use either --data DIR or --memory, not both");
      const port = intOption(opts.port, "port", 0);
      const rateLimitPerMinute = opts.rateLimit === undefined ? undefined : intOption(opts.rateLimit, "rate-limit", 1);
      const { startEmulator } = require("../emulator") as typeof import("../emulator");
      const emu = await startEmulator({
        host: opts.host,
        port,
        data: opts.data,
        memory: opts.memory,
        token: opts.token,
        adminToken: opts.adminToken,
        rateLimitPerMinute,
        log: opts.log ? (line) => process.stderr.write(line + "\n") : undefined,
      });
      process.stdout.write(`Spot API emulator listening on ${emu.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          emu.close().then(resolve, resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
    });
}
