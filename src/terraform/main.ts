/**
 * Entry point of the provider process (bin/terraform-provider-spot). Terraform launches it several times
 * per run, so only what the handshake needs is loaded up front; the resource registry loads on the first
 * schema request and the Spot client on ConfigureProvider.
 */
import type { KeyPairPem } from "./tls";

export function main(argv: string[] = process.argv): void {
  const debug = argv.includes("--debug");
  const env = process.env;
  // Start the key generation first: an RSA key (if chosen) is searched on the thread pool while the
  // modules below load.
  let keyPair: Promise<KeyPairPem> | undefined;
  if (!debug && env.PLUGIN_CLIENT_CERT && !/^(1|true)$/i.test(env.TF_DISABLE_PLUGIN_TLS ?? "")) {
    const tls = require("./tls") as typeof import("./tls");
    keyPair = tls.generateServerKeyPair(tls.keyTypeFromEnv(env));
    keyPair.catch(() => undefined);
  }
  // Terraform relays Ctrl-C as StopProvider; the signal itself reaches the whole process group.
  if (!debug) process.on("SIGINT", () => undefined);

  const { createProvider } = require("./provider") as typeof import("./provider");
  const { serve, HandshakeError } = require("./server") as typeof import("./server");
  // A debug server is started by hand and outlives the Terraform runs attached to it.
  if (!debug) exitWhenOrphaned();
  serve({ provider: createProvider(), debug, keyPair }).catch((err: unknown) => {
    if (err instanceof HandshakeError) process.stderr.write(err.message + "\n");
    else process.stderr.write(`terraform-provider-spot: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}

/**
 * Exit once the process that launched us is gone. Terraform ends each provider process with
 * GRPCController/Shutdown, but a Terraform that is killed (kill -9, a cancelled CI job) sends nothing, and
 * go-plugin leaves no pipe to watch: the plugin's stdin is Terraform's own stdin (often a terminal or
 * /dev/null, so EOF means nothing), and nothing is written to stdout after the handshake. What does change
 * is the parent: the orphan is re-parented to init or a subreaper, so its parent pid changes.
 * `process.ppid` asks the OS on every read. Not on Windows, where the parent pid is never updated.
 */
export function exitWhenOrphaned(
  opts: { parentPid?: number; intervalMs?: number; onOrphaned?: () => void } = {},
): NodeJS.Timeout | undefined {
  if (process.platform === "win32") return undefined;
  const parent = opts.parentPid ?? process.ppid;
  const onOrphaned =
    opts.onOrphaned ??
    (() => {
      process.stderr.write(`terraform-provider-spot: the parent process (pid ${parent}) is gone; exiting\n`);
      process.exit(0);
    });
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onOrphaned();
    }
  }, opts.intervalMs ?? 500);
  // The gRPC server keeps the process alive while it serves; the watch alone must not.
  timer.unref();
  return timer;
}
