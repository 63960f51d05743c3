/**
 * Real launches configure the provider with the Spot client itself (`defaultContextFactory`): the provider
 * block's token/base_url reach `new SpotClient({ …, frontend: "terraform" })`, a configuration error is one
 * diagnostic that never repeats the token, and resource operations run with that client (here a
 * lookup listing accounts against the in-memory emulator).
 */
import type { Lookup } from "../../src/resources/types";
import { decodeDynamic, encodeDynamic } from "../../src/terraform/codec";
import { createProvider } from "../../src/terraform/provider";
import { withEmulator } from "../support/emulator";

const emu = withEmulator();

const accountsLookup: Lookup = {
  name: "AccountIds",
  tfName: "account_ids",
  description: "Ids of the accounts the token sees.",
  args: {},
  result: {
    ids: { type: { list: "string" }, description: "Account ids." },
    agent: { type: "string", description: "The client's User-Agent." },
  },
  async run(ctx) {
    const client = ctx.client as any;
    const accounts: { accountId: string }[] = await client.accounts.list();
    return { ids: accounts.map((a) => a.accountId).sort(), agent: client.userAgent };
  },
};

const providerType: any = ["object", { token: "string", base_url: "string", account: "string" }];
const dsType: any = ["object", { ids: ["list", "string"], agent: "string" }];

describe("the default context: the real Spot client", () => {
  const saved = { ...process.env };
  beforeEach(() => {
    for (const k of ["SPOTINST_TOKEN", "SPOTINST_ACCOUNT", "SPOTINST_BASE_URL", "SPOTINST_CREDENTIALS_PROFILE"])
      delete process.env[k];
    process.env.SPOTINST_CREDENTIALS_FILE = "/nonexistent/spot-credentials";
  });
  afterAll(() => {
    process.env = saved;
  });

  it("is built from the provider block and serves resource operations", async () => {
    const h = createProvider({ kinds: [], lookups: [accountsLookup] }).handlers();
    const conf = await h.ConfigureProvider({
      terraform_version: "1.11.4",
      config: encodeDynamic({ token: emu.token, base_url: emu.url, account: null }, providerType),
    });
    expect(conf.diagnostics).toEqual([]);
    const r = await h.ReadDataSource({
      type_name: "spot_account_ids",
      config: encodeDynamic({ ids: null, agent: null }, dsType),
    });
    expect(r.diagnostics).toEqual([]);
    const state = decodeDynamic(r.state, dsType) as any;
    expect(state.ids).toContain(emu.accountId);
    expect(state.agent).toMatch(/^spot-iac\/\S+ \(terraform; run=\S+\)$/);
  });

  it("without a token anywhere, configuration fails with one diagnostic and no secret", async () => {
    const h = createProvider({ kinds: [], lookups: [accountsLookup] }).handlers();
    const conf = await h.ConfigureProvider({
      config: encodeDynamic({ token: null, base_url: emu.url, account: null }, providerType),
    });
    expect(conf.diagnostics).toHaveLength(1);
    expect(conf.diagnostics[0].summary).toBe("Invalid spot provider configuration");
    expect(conf.diagnostics[0].detail).toMatch(/SPOTINST_TOKEN/);
    expect(conf.diagnostics[0].detail).not.toMatch(/\n/);
  });
});
