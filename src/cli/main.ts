/**
 * `spot-iac` command line. Each area registers its own subcommands; registration must stay cheap
 * (heavy modules are required inside the actions) so `spot-iac --help` and the demo start fast.
 */
import { Command } from "commander";
import { VERSION } from "../version";

export function buildProgram(): Command {
  const program = new Command("spot-iac")
    .description("Infrastructure as code for Spot's administration layer, and an emulator of the Spot API")
    .version(VERSION);
  require("./gitops").register(program);
  require("./emulator").register(program);
  require("../terraform/install").register(program);
  return program;
}

export function main(argv: string[]): void {
  buildProgram()
    .parseAsync(argv)
    .catch((err: unknown) => {
      // One readable line; stack traces only when asked for.
      const e = err as Error;
      process.stderr.write(`spot-iac: ${e?.message ?? String(err)}\n`);
      if (process.env.SPOT_IAC_LOG === "debug" && e?.stack) process.stderr.write(e.stack + "\n");
      process.exitCode = process.exitCode || 1;
    });
}
