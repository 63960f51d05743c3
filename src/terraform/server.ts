/**
 * The provider process: go-plugin handshake, gRPC server for tfplugin6.Provider and
 * plugin.GRPCController, AutoMTLS, and the debug/reattach mode.
 *
 * Messages are (de)serialized with protobufjs from the project's own proto/ files. protobufjs is what
 * @grpc/proto-loader runs on; using it directly (resolved through proto-loader, so it is the same copy)
 * skips proto-loader's descriptor building, about 40 ms of each of the ~4 launches per `terraform apply`.
 */
import * as path from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import { PROVIDER_ADDRESS } from "./schema";
import type { TerraformProvider } from "./provider";
import { RPC_NAMES } from "./provider";
import type { KeyPairPem } from "./tls";
import type { Logger } from "./log";
import { createLogger } from "./log";

/** go-plugin's magic cookie for Terraform providers (Terraform sets it in the plugin's environment). */
export const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
export const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
export const CORE_PROTOCOL_VERSION = 1;
export const PROTOCOL_VERSION = 6;

const PROTO_DIR = path.resolve(__dirname, "..", "..", "proto");
const TO_OBJECT = { longs: Number, enums: String, defaults: false, oneofs: false };

type PbType = {
  encode(m: unknown): { finish(): Uint8Array };
  decode(b: Uint8Array): unknown;
  fromObject(o: unknown): unknown;
  toObject(m: unknown, o: object): any;
};

let rootCache: any;

/**
 * The protos as a protobufjs JSON descriptor, set only in the single-executable provider
 * (scripts/terraform-release.js parses proto/ and substitutes the result at bundle time): the executable
 * reads nothing from disk, and building the root from JSON skips parsing the proto text on every launch.
 */
declare const SPOT_IAC_EMBEDDED_PROTOS: object | undefined;

function protoRoot(): any {
  if (!rootCache) {
    let root: any;
    if (typeof SPOT_IAC_EMBEDDED_PROTOS !== "undefined") {
      // Bundled: one protobufjs copy is inside the bundle. Its optional `long` is looked up at run time
      // through an eval'd require, which cannot see bundled modules; hand it over so int64 fields decode
      // as they do outside the bundle.
      const protobuf = require("protobufjs");
      protobuf.util.Long = require("long");
      protobuf.configure();
      root = protobuf.Root.fromJSON(SPOT_IAC_EMBEDDED_PROTOS);
    } else {
      const loaderDir = path.dirname(require.resolve("@grpc/proto-loader/package.json"));
      const protobuf = require(require.resolve("protobufjs", { paths: [loaderDir] }));
      root = new protobuf.Root();
      root.loadSync([path.join(PROTO_DIR, "tfplugin6.proto"), path.join(PROTO_DIR, "grpc_controller.proto")], {
        keepCase: true,
      });
    }
    root.resolveAll();
    rootCache = root;
  }
  return rootCache;
}

function codec(t: PbType) {
  return {
    serialize: (o: unknown): Buffer => {
      const bytes = t.encode(t.fromObject(o)).finish();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    deserialize: (b: Buffer): any => t.toObject(t.decode(b), TO_OBJECT),
  };
}

/** A grpc-js service definition for one service of the project's protos (server and test clients use it). */
export function serviceDefinition(fullName: string): grpcTypes.ServiceDefinition {
  const svc = protoRoot().lookupService(fullName);
  const def: Record<string, grpcTypes.MethodDefinition<any, any>> = {};
  for (const m of svc.methodsArray) {
    const req = codec(m.resolvedRequestType as PbType);
    const res = codec(m.resolvedResponseType as PbType);
    def[m.name] = {
      path: `/${fullName}/${m.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: req.serialize,
      requestDeserialize: req.deserialize,
      responseSerialize: res.serialize,
      responseDeserialize: res.deserialize,
      originalName: m.name,
    };
  }
  return def as grpcTypes.ServiceDefinition;
}

export interface ServeOptions {
  provider: TerraformProvider;
  env?: NodeJS.ProcessEnv;
  /** Reattach mode: insecure, no cookie check; prints TF_REATTACH_PROVIDERS. */
  debug?: boolean;
  /** The RSA key pair for AutoMTLS, when key generation was started early (see main.ts). */
  keyPair?: Promise<KeyPairPem>;
  /** Where the handshake (or reattach) text goes; stdout by default. */
  stdout?: (text: string) => void;
  /** What GRPCController/Shutdown does after the server has stopped; process exit by default. */
  onShutdown?: () => void;
  logger?: Logger;
}

export interface RunningServer {
  /** "127.0.0.1:PORT" */
  address: string;
  /** The go-plugin handshake line (without newline). */
  handshake: string;
  /** The TF_REATTACH_PROVIDERS value that attaches Terraform to this server. */
  reattach: string;
  tls: boolean;
  close(): Promise<void>;
}

export class HandshakeError extends Error {}

function checkLaunch(env: NodeJS.ProcessEnv): void {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE)
    throw new HandshakeError(
      "This binary is a plugin: Terraform runs it, it is not meant to be run directly.\n" +
        "To use it, run `spot-iac terraform install` and follow the printed instructions;\n" +
        "to debug it, start it with --debug and set the printed TF_REATTACH_PROVIDERS for Terraform.",
    );
  const versions = (env.PLUGIN_PROTOCOL_VERSIONS ?? "").split(",").map((v) => v.trim());
  if (env.PLUGIN_PROTOCOL_VERSIONS && !versions.includes(String(PROTOCOL_VERSION)))
    throw new HandshakeError(
      `This provider speaks plugin protocol ${PROTOCOL_VERSION}; Terraform offered ${env.PLUGIN_PROTOCOL_VERSIONS}. Use Terraform 1.0 or later.`,
    );
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const log = options.logger ?? createLogger(env);
  const out = options.stdout ?? ((t: string) => process.stdout.write(t));
  if (!options.debug) checkLaunch(env);
  const clientCert = env.PLUGIN_CLIENT_CERT;
  const useTls = !options.debug && !!clientCert && !/^(1|true)$/i.test(env.TF_DISABLE_PLUGIN_TLS ?? "");

  const grpc = require("@grpc/grpc-js") as typeof grpcTypes;
  const server = new grpc.Server({
    "grpc.max_receive_message_length": 256 * 1024 * 1024,
    "grpc.max_send_message_length": 256 * 1024 * 1024,
  });
  const handlers = options.provider.handlers();
  const impl: grpcTypes.UntypedServiceImplementation = {};
  for (const name of RPC_NAMES) {
    impl[name] = (call: grpcTypes.ServerUnaryCall<any, any>, callback: grpcTypes.sendUnaryData<any>) => {
      handlers[name](call.request).then(
        (res) => callback(null, res),
        (err) => callback({ code: grpc.status.INTERNAL, details: String((err as Error)?.message ?? err) }),
      );
    };
  }
  server.addService(serviceDefinition("tfplugin6.Provider"), impl);

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 1000);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    }));
  server.addService(serviceDefinition("plugin.GRPCController"), {
    Shutdown: (_call: unknown, callback: grpcTypes.sendUnaryData<object>) => {
      log.debug("GRPCController/Shutdown");
      callback(null, {});
      // A debug server outlives the Terraform runs attached to it.
      if (options.debug && !options.onShutdown) return;
      // Let the reply flush before the server stops; without this service Terraform kills us after 2 s.
      setImmediate(() => void close().then(options.onShutdown ?? (() => process.exit(0))));
    },
  });

  let creds: grpcTypes.ServerCredentials;
  let certField = "";
  if (useTls) {
    const tls = require("./tls") as typeof import("./tls");
    const cert = tls.selfSignedCertificate(
      await (options.keyPair ?? tls.generateServerKeyPair(tls.keyTypeFromEnv(env))),
    );
    creds = grpc.ServerCredentials.createSsl(
      Buffer.from(clientCert!),
      [{ private_key: Buffer.from(cert.keyPem), cert_chain: Buffer.from(cert.certPem) }],
      true,
    );
    certField = cert.derBase64;
  } else creds = grpc.ServerCredentials.createInsecure();

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  const address = `127.0.0.1:${port}`;
  const handshake = `${CORE_PROTOCOL_VERSION}|${PROTOCOL_VERSION}|tcp|${address}|grpc${useTls ? "|" + certField : ""}`;
  const reattach = JSON.stringify({
    [PROVIDER_ADDRESS]: {
      Protocol: "grpc",
      ProtocolVersion: PROTOCOL_VERSION,
      Pid: process.pid,
      Test: true,
      Addr: { Network: "tcp", String: address },
    },
  });
  if (options.debug) {
    out(
      `spot provider listening on ${address} (debug mode, no TLS). To attach Terraform, set:\n\n` +
        `\tTF_REATTACH_PROVIDERS='${reattach}'\n\n`,
    );
  } else out(handshake + "\n");
  log.debug(`serving tfplugin6 on ${address}${useTls ? " with AutoMTLS" : ""}`);
  return { address, handshake, reattach, tls: useTls, close };
}
