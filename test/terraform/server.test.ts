/**
 * The provider process's transport: go-plugin handshake line, AutoMTLS with a per-launch certificate,
 * the reattach (debug) mode, GRPCController/Shutdown, and the launch checks.
 */
import { X509Certificate } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import { createProvider } from "../../src/terraform/provider";
import type { RunningServer, ServeOptions } from "../../src/terraform/server";
import { HandshakeError, MAGIC_COOKIE_VALUE, serve, serviceDefinition } from "../../src/terraform/server";
import { generateServerKeyPair, selfSignedCertificate } from "../../src/terraform/tls";

const ProviderClient = grpc.makeGenericClientConstructor(serviceDefinition("tfplugin6.Provider"), "Provider");
const ControllerClient = grpc.makeGenericClientConstructor(
  serviceDefinition("plugin.GRPCController"),
  "GRPCController",
);

function call(client: any, method: string, req: object): Promise<any> {
  return new Promise((resolve, reject) =>
    client[method](req, (err: Error | null, res: any) => (err ? reject(err) : resolve(res))),
  );
}

// The real registry: the transport is what is tested here, and a schema request needs no Spot client.
const provider = () => createProvider();

async function start(env: NodeJS.ProcessEnv, extra: Partial<ServeOptions> = {}) {
  let out = "";
  const shutdowns: number[] = [];
  const srv = await serve({
    provider: provider(),
    env,
    stdout: (t) => (out += t),
    onShutdown: () => shutdowns.push(Date.now()),
    ...extra,
  });
  return { srv, out, shutdowns };
}

describe("go-plugin handshake and AutoMTLS", () => {
  // What Terraform does: its own client certificate, passed in PLUGIN_CLIENT_CERT.
  let client: { certPem: string; keyPem: string };
  const servers: RunningServer[] = [];

  beforeAll(async () => {
    client = selfSignedCertificate(await generateServerKeyPair());
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  const terraformEnv = (): NodeJS.ProcessEnv => ({
    TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE,
    PLUGIN_PROTOCOL_VERSIONS: "5,6",
    PLUGIN_MIN_PORT: "10000",
    PLUGIN_MAX_PORT: "25000",
    PLUGIN_CLIENT_CERT: client.certPem,
  });

  it("prints one handshake line with a pinned localhost certificate and serves only mutually authenticated TLS", async () => {
    const { srv, out } = await start(terraformEnv());
    servers.push(srv);
    expect(out.endsWith("\n")).toBe(true);
    expect(out.split("\n")).toHaveLength(2); // exactly one line, nothing else on stdout
    const [core, proto, net, addr, kind, certB64] = out.trim().split("|");
    expect([core, proto, net, kind]).toEqual(["1", "6", "tcp", "grpc"]);
    expect(addr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(certB64).toMatch(/^[A-Za-z0-9+/]+$/); // base64 without '=' padding (Go RawStdEncoding)
    const cert = new X509Certificate(Buffer.from(certB64, "base64"));
    expect(cert.subjectAltName).toBe("DNS:localhost");
    expect(cert.ca).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyType).toBe("ec");
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");

    const creds = grpc.credentials.createSsl(
      Buffer.from(cert.toString()),
      Buffer.from(client.keyPem),
      Buffer.from(client.certPem),
    );
    const c = new ProviderClient(addr, creds, { "grpc.ssl_target_name_override": "localhost" }) as any;
    const schema = await call(c, "GetProviderSchema", {});
    expect(Object.keys(schema.resource_schemas)).toContain("spot_account");
    expect(schema.server_capabilities.plan_destroy).toBe(true);
    c.close();

    // Without a client certificate the server refuses the connection.
    const anon = new ProviderClient(addr, grpc.credentials.createSsl(Buffer.from(cert.toString())), {
      "grpc.ssl_target_name_override": "localhost",
    }) as any;
    await expect(call(anon, "GetMetadata", {})).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    anon.close();
  });

  it("SPOT_IAC_TF_TLS_KEY=rsa serves an RSA-2048 certificate Terraform's client accepts the same way", async () => {
    const { srv, out } = await start({ ...terraformEnv(), SPOT_IAC_TF_TLS_KEY: "rsa" });
    servers.push(srv);
    const cert = new X509Certificate(Buffer.from(out.trim().split("|")[5], "base64"));
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(cert.subjectAltName).toBe("DNS:localhost");
    const creds = grpc.credentials.createSsl(
      Buffer.from(cert.toString()),
      Buffer.from(client.keyPem),
      Buffer.from(client.certPem),
    );
    const c = new ProviderClient(srv.address, creds, { "grpc.ssl_target_name_override": "localhost" }) as any;
    expect((await call(c, "GetMetadata", {})).resources).toContainEqual({ type_name: "spot_account" });
    c.close();
  });

  it("GRPCController/Shutdown answers, stops the server and runs the exit hook", async () => {
    const { srv, shutdowns } = await start({ ...terraformEnv(), PLUGIN_CLIENT_CERT: undefined });
    const ctl = new ControllerClient(srv.address, grpc.credentials.createInsecure()) as any;
    expect(await call(ctl, "Shutdown", {})).toEqual({});
    ctl.close();
    await srv.close();
    await new Promise((r) => setImmediate(r));
    expect(shutdowns).toHaveLength(1);
    const after = new ProviderClient(srv.address, grpc.credentials.createInsecure()) as any;
    await expect(call(after, "GetMetadata", {})).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    after.close();
  });

  it("TF_DISABLE_PLUGIN_TLS serves plain gRPC and omits the certificate field", async () => {
    const { srv, out } = await start({ ...terraformEnv(), TF_DISABLE_PLUGIN_TLS: "1" });
    servers.push(srv);
    expect(out.trim()).toMatch(/^1\|6\|tcp\|127\.0\.0\.1:\d+\|grpc$/);
    expect(srv.tls).toBe(false);
    const c = new ProviderClient(srv.address, grpc.credentials.createInsecure()) as any;
    expect((await call(c, "GetMetadata", {})).resources).toContainEqual({ type_name: "spot_account" });
    c.close();
  });

  it("debug mode prints TF_REATTACH_PROVIDERS for the running server, with no cookie needed", async () => {
    const { srv, out } = await start({}, { debug: true });
    servers.push(srv);
    const m = /TF_REATTACH_PROVIDERS='(.+)'/.exec(out);
    expect(m).not.toBeNull();
    const reattach = JSON.parse(m![1]);
    expect(reattach).toEqual({
      "registry.terraform.io/spot-iac/spot": {
        Protocol: "grpc",
        ProtocolVersion: 6,
        Pid: process.pid,
        Test: true,
        Addr: { Network: "tcp", String: srv.address },
      },
    });
    expect(srv.reattach).toBe(m![1]);
  });

  it("refuses to start outside Terraform or for an old protocol, saying what to do", async () => {
    await expect(serve({ provider: provider(), env: {}, stdout: () => undefined })).rejects.toThrow(HandshakeError);
    await expect(serve({ provider: provider(), env: {}, stdout: () => undefined })).rejects.toThrow(
      /spot-iac terraform install/,
    );
    await expect(
      serve({
        provider: provider(),
        env: { ...terraformEnv(), PLUGIN_PROTOCOL_VERSIONS: "5" },
        stdout: () => undefined,
      }),
    ).rejects.toThrow(/speaks plugin protocol 6; Terraform offered 5/);
  });
});
