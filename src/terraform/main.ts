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
  serve({ provider: createProvider(), debug, keyPair }).catch((err: unknown) => {
    if (err instanceof HandshakeError) process.stderr.write(err.message + "\n");
    else process.stderr.write(`terraform-provider-spot: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}

if (require.main === module) main();
