/**
 * Protocol level, no Terraform: every tfplugin6 handler called directly with msgpack DynamicValues, over
 * the fixture kinds and an in-memory store.
 */
import { generateKeyPairSync } from "node:crypto";
import type { ResourceKind } from "../../src/resources/types";
import { UNKNOWN, decodeDynamic, encodeDynamic } from "../../src/terraform/codec";
import type { ProviderHandlers } from "../../src/terraform/provider";
import { createProvider } from "../../src/terraform/provider";
import { resourceSchema } from "../../src/terraform/schema";
import { open } from "../../src/terraform/sealed";
import { MemoryStore, TEST_TOKEN, fixtureContextFactory, orgKind, widgetKind, widgetsLookup } from "./fixtures/kinds";
import { hashOf } from "../support/secrets";

const WIDGET = resourceSchema(widgetKind);
const ORG = resourceSchema(orgKind);
const keys = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
const CAPS = { write_only_attributes_allowed: true };

/** A full spot_widget object: every attribute present, null unless given. */
function widget(v: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const a of WIDGET.attrs) o[a.name] = null;
  return { ...o, ...v };
}
function org(v: Record<string, unknown>): Record<string, unknown> {
  return { id: null, name: null, allow_deletion: null, ...v };
}
const enc = (v: unknown, t = WIDGET.type) => encodeDynamic(v, t);
const dec = (d: any, t = WIDGET.type): any => decodeDynamic(d, t);
const steps = (d: any): string[] =>
  (d.attribute?.steps ?? []).map((s: any) => s.attribute_name ?? s.element_key_int ?? s.element_key_string);

const baseConfig = {
  name: "alpha",
  email: "a@example.com",
  password: "pw-1-secret",
  tags: ["b", "a"],
  settings: { color: "red", size: null, created_by: null },
  rules: [{ action: "allow", priority: null }],
  labels: { team: "core" },
  token_public_key: keys.publicKey,
};

describe("tfplugin6 handlers", () => {
  let store: MemoryStore;
  let h: ProviderHandlers;

  beforeEach(async () => {
    store = new MemoryStore();
    h = createProvider({
      kinds: [widgetKind, orgKind],
      lookups: [widgetsLookup],
      contextFactory: fixtureContextFactory(store),
    }).handlers();
    const r = await h.ConfigureProvider({
      terraform_version: "1.11.4",
      config: enc({ token: TEST_TOKEN, base_url: null, account: null }, [
        "object",
        { token: "string", base_url: "string", account: "string" },
      ]),
    });
    expect(r.diagnostics).toEqual([]);
  });

  /** Plan then apply a create the way Terraform does; returns the new state and private bytes. */
  async function create(cfg: Record<string, unknown> = baseConfig) {
    const config = widget(cfg);
    const plan = await h.PlanResourceChange({
      type_name: "spot_widget",
      prior_state: enc(null),
      proposed_new_state: enc(config),
      config: enc(config),
      client_capabilities: CAPS,
    });
    expect(plan.diagnostics).toEqual([]);
    const apply = await h.ApplyResourceChange({
      type_name: "spot_widget",
      prior_state: enc(null),
      planned_state: plan.planned_state,
      config: enc(config),
      planned_private: plan.planned_private,
    });
    expect(apply.diagnostics.filter((d: any) => d.severity === "ERROR")).toEqual([]);
    return { plan: dec(plan.planned_state), state: dec(apply.new_state), priv: apply.private as Buffer, apply };
  }

  /** Plan an update of `state` to `cfg` (proposed = config merged with prior computed values, as Terraform does). */
  async function planUpdate(state: any, priv: Buffer, cfg: Record<string, unknown>) {
    const config = widget(cfg);
    const proposed: any = { ...config };
    for (const a of WIDGET.attrs) if (a.computed && config[a.name] === null) proposed[a.name] = state[a.name];
    proposed.settings = config.settings
      ? { ...(config.settings as object), created_by: state.settings?.created_by ?? null }
      : null;
    return h.PlanResourceChange({
      type_name: "spot_widget",
      prior_state: enc(state),
      proposed_new_state: enc(proposed),
      config: enc(config),
      prior_private: priv,
    });
  }

  describe("schema", () => {
    it("GetProviderSchema maps every field, secrets and nesting, and advertises plan_destroy", async () => {
      const r = await h.GetProviderSchema({});
      expect(r.diagnostics).toEqual([]);
      expect(r.server_capabilities).toMatchObject({ plan_destroy: true, get_provider_schema_optional: true });
      const attrs = Object.fromEntries(r.resource_schemas.spot_widget.block.attributes.map((a: any) => [a.name, a]));
      expect(attrs.id).toMatchObject({ computed: true, optional: false });
      expect(JSON.parse(attrs.name.type.toString())).toBe("string");
      expect(attrs.name).toMatchObject({ required: true, description: "Widget name." });
      expect(attrs.role).toMatchObject({ optional: true, computed: true }); // has a default
      expect(attrs.note).toMatchObject({ optional: true, computed: true });
      expect(attrs.org_id).toMatchObject({ computed: true, optional: false, required: false });
      expect(attrs.password).toMatchObject({ optional: true, computed: false, sensitive: true, write_only: true });
      expect(attrs.password_version).toMatchObject({ computed: true, write_only: false });
      expect(attrs.token).toBeUndefined(); // a secret output is never an attribute in plain text
      expect(attrs.token_public_key).toMatchObject({ optional: true });
      expect(attrs.encrypted_token).toMatchObject({ computed: true });
      expect(JSON.parse(attrs.tags.type.toString())).toEqual(["set", "string"]);
      expect(JSON.parse(attrs.labels.type.toString())).toEqual(["map", "string"]);
      expect(attrs.settings.type.length).toBe(0);
      expect(attrs.settings.nested_type.nesting).toBe("SINGLE");
      const inner = Object.fromEntries(attrs.settings.nested_type.attributes.map((a: any) => [a.name, a]));
      expect(inner.created_by).toMatchObject({ computed: true, optional: false });
      expect(inner.size).toMatchObject({ optional: true });
      expect(attrs.rules.nested_type.nesting).toBe("LIST");
      const orgAttrs = r.resource_schemas.spot_org.block.attributes.map((a: any) => a.name);
      expect(orgAttrs).toContain("allow_deletion");
      expect(Object.keys(r.data_source_schemas)).toEqual(["spot_widgets"]);
      const provider = Object.fromEntries(r.provider.block.attributes.map((a: any) => [a.name, a]));
      expect(provider.token).toMatchObject({ sensitive: true, optional: true });
      expect(Object.keys(provider).sort()).toEqual(["account", "base_url", "token"]);
    });

    it("a kind the adapter cannot map is reported as a diagnostic naming the field", async () => {
      const bad: ResourceKind = {
        ...widgetKind,
        name: "Bad",
        tfName: "bad",
        fields: {
          cfg: {
            type: { object: { key: { type: "string", optional: true, secret: true, description: "k" } } },
            optional: true,
            description: "c",
          },
        },
      };
      const r = await createProvider({ kinds: [bad], lookups: [] })
        .handlers()
        .GetProviderSchema({});
      expect(r.diagnostics[0].detail).toMatch(/Bad\.cfg\.key: a secret input inside an object is not supported/);
    });

    it("GetMetadata, GetFunctions", async () => {
      const m = await h.GetMetadata({});
      expect(m.resources.map((r: any) => r.type_name)).toEqual(["spot_widget", "spot_org"]);
      expect(m.data_sources).toEqual([{ type_name: "spot_widgets" }]);
      expect(await h.GetFunctions({})).toEqual({ functions: {}, diagnostics: [] });
    });
  });

  describe("configuration", () => {
    it("ConfigureProvider reports a bad token without echoing it", async () => {
      const p = createProvider({
        kinds: [widgetKind],
        lookups: [],
        contextFactory: fixtureContextFactory(store),
      }).handlers();
      const t: any = ["object", { token: "string", base_url: "string", account: "string" }];
      const r = await p.ConfigureProvider({
        config: enc({ token: "wrong-token-123", base_url: null, account: null }, t),
      });
      expect(r.diagnostics[0]).toMatchObject({ severity: "ERROR", summary: "Invalid spot provider configuration" });
      expect(r.diagnostics[0].detail).toMatch(/check the token/);
      expect(JSON.stringify(r)).not.toContain("wrong-token-123");
      // Resource operations then say why they cannot run.
      const imp = await p.ImportResourceState({ type_name: "spot_widget", id: "wdg-1" });
      expect(imp.diagnostics[0].summary).toBe("Provider not configured");
    });

    it("ValidateProviderConfig checks base_url", async () => {
      const t: any = ["object", { token: "string", base_url: "string", account: "string" }];
      const r = await h.ValidateProviderConfig({ config: enc({ token: null, base_url: "ftp://x", account: null }, t) });
      expect(r.diagnostics).toHaveLength(1);
      expect(steps(r.diagnostics[0])).toEqual(["base_url"]);
      const ok = await h.ValidateProviderConfig({
        config: enc({ token: null, base_url: "http://127.0.0.1:8787", account: null }, t),
      });
      expect(ok.diagnostics).toEqual([]);
    });
  });

  describe("ValidateResourceConfig", () => {
    const validate = (cfg: Record<string, unknown>, caps: object = CAPS) =>
      h.ValidateResourceConfig({ type_name: "spot_widget", config: enc(widget(cfg)), client_capabilities: caps });

    it("accepts a good configuration", async () => {
      expect((await validate(baseConfig)).diagnostics).toEqual([]);
    });

    it("reports schema failures with attribute paths, naming the resource, field and fix", async () => {
      const r = await validate({
        role: "admin",
        rules: [
          { action: "allow", priority: 1 },
          { action: null, priority: 2 },
        ],
      });
      const byPath = Object.fromEntries(r.diagnostics.map((d: any) => [steps(d).join("."), d.detail]));
      expect(byPath.name).toMatch(/^Widget \(spot_widget\): name is required: Widget name\./);
      expect(byPath.role).toMatch(/role must be one of "viewer", "editor"; got "admin"/);
      expect(byPath["rules.1.action"]).toMatch(/rules\.1\.action is required: Action\./);
    });

    it("skips checks on unknown values, and the kind's cross-field check until all is known", async () => {
      expect((await validate({ name: UNKNOWN, role: UNKNOWN })).diagnostics).toEqual([]);
      const cross = await validate({ name: "a", region: "mars", role: "editor" });
      expect(cross.diagnostics.map((d: any) => d.detail)).toEqual([
        'Widget (spot_widget): role cannot be "editor" in region mars; use "viewer"',
      ]);
      expect((await validate({ name: "a", region: UNKNOWN, role: "editor" })).diagnostics).toEqual([]);
    });

    it("refuses a write-only secret when Terraform cannot handle write-only attributes", async () => {
      const r = await validate(baseConfig, {});
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0].summary).toBe("Terraform 1.11 or later required");
      expect(steps(r.diagnostics[0])).toEqual(["password"]);
      expect(JSON.stringify(r)).not.toContain("pw-1-secret");
    });

    it("checks the public key secret outputs are sealed to", async () => {
      const r = await validate({ ...baseConfig, token_public_key: "not a key" });
      expect(steps(r.diagnostics[0])).toEqual(["token_public_key"]);
      expect(r.diagnostics[0].detail).toMatch(/not a PEM public key/);
      const ec = generateKeyPairSync("ec", {
        namedCurve: "P-256",
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
      });
      expect((await validate({ ...baseConfig, token_public_key: ec.publicKey })).diagnostics[0].detail).toMatch(
        /only RSA/,
      );
    });

    it("an unknown resource type is a diagnostic listing the known ones", async () => {
      const r = await h.ValidateResourceConfig({ type_name: "spot_nope", config: enc(null) });
      expect(r.diagnostics[0].detail).toMatch(/no resource type "spot_nope"; known: spot_widget, spot_org/);
    });
  });

  describe("create", () => {
    it("plans computed attributes unknown, defaults filled, the secret null and its version 1", async () => {
      const { plan } = await create();
      expect(plan).toMatchObject({
        id: UNKNOWN,
        name: "alpha",
        note: UNKNOWN,
        org_id: UNKNOWN,
        role: "viewer",
        allow_deletion: false,
        password: null,
        password_version: 1,
        encrypted_token: UNKNOWN,
        settings: { color: "red", size: null, created_by: UNKNOWN },
      });
    });

    it("applies: unknowns filled, known planned values unchanged, secret only hashed in private state", async () => {
      const { plan, state, priv } = await create();
      for (const [k, v] of Object.entries(plan)) if (v !== UNKNOWN && k !== "settings") expect(state[k]).toEqual(v);
      expect(state).toMatchObject({
        id: "wdg-1",
        note: "auto-note",
        org_id: "606079861234",
        password: null,
        tags: ["b", "a"],
      });
      expect(state.settings).toEqual({ color: "red", size: null, created_by: "spot" });
      const p = JSON.parse(priv.toString());
      expect(p.secrets.password).toEqual(hashOf("pw-1-secret"));
      expect(priv.toString()).not.toContain("pw-1-secret");
      expect(open(state.encrypted_token, keys.privateKey)).toBe(store.tokens[0]);
    });

    it("without a public key the token is discarded with a warning, never stored", async () => {
      const { state, apply } = await create({ ...baseConfig, token_public_key: null });
      expect(state.encrypted_token).toBeNull();
      expect(apply.diagnostics).toHaveLength(1);
      expect(apply.diagnostics[0]).toMatchObject({ severity: "WARNING", summary: "token discarded" });
      expect(JSON.stringify(apply)).not.toContain(store.tokens[0]);
    });

    it("an API error becomes one readable diagnostic with secrets scrubbed", async () => {
      store.failNext = {
        op: "create",
        message: "Spot said 400 INVALID_PASSWORD\nfor password pw-1-secret (request id r-1)",
      };
      const config = widget(baseConfig);
      const plan = await h.PlanResourceChange({
        type_name: "spot_widget",
        prior_state: enc(null),
        proposed_new_state: enc(config),
        config: enc(config),
      });
      const r = await h.ApplyResourceChange({
        type_name: "spot_widget",
        prior_state: enc(null),
        planned_state: plan.planned_state,
        config: enc(config),
      });
      expect(r.diagnostics).toEqual([
        {
          severity: "ERROR",
          summary: "Widget: create failed",
          detail: "Spot said 400 INVALID_PASSWORD for password (secret) (request id r-1)",
          attribute: null,
        },
      ]);
      expect(r.new_state).toBeUndefined();
    });
  });

  describe("read", () => {
    it("returns the live object; semantically equal values keep their configured form", async () => {
      const { state, priv } = await create();
      store.widgets.get("wdg-1")!.tags = ["a", "b"]; // Spot reorders a set
      const same = await h.ReadResource({ type_name: "spot_widget", current_state: enc(state), private: priv });
      expect(dec(same.new_state)).toEqual(state);
      expect(same.private).toEqual(priv);

      store.widgets.get("wdg-1")!.name = "renamed-outside";
      const drift = await h.ReadResource({ type_name: "spot_widget", current_state: enc(state), private: priv });
      expect(dec(drift.new_state)).toEqual({ ...state, name: "renamed-outside" });
    });

    it("passes the recorded secret hash to the kind as prior, and returns null when the object is gone", async () => {
      const { state, priv } = await create();
      store.widgets.delete("wdg-1");
      const r = await h.ReadResource({ type_name: "spot_widget", current_state: enc(state), private: priv });
      expect(r.diagnostics).toEqual([]);
      expect(dec(r.new_state)).toBeNull();
    });

    it("a read error keeps the current state and says what failed", async () => {
      const { state, priv } = await create();
      store.failNext = { op: "read", message: "rate limited (429), retried 5 times" };
      const r = await h.ReadResource({ type_name: "spot_widget", current_state: enc(state), private: priv });
      expect(r.diagnostics[0]).toMatchObject({
        summary: "Widget wdg-1: read failed",
        detail: "rate limited (429), retried 5 times",
      });
      expect(dec(r.new_state)).toEqual(state);
    });
  });

  describe("plan an update", () => {
    it("an in-place change: the new value, outputs unknown, nothing to replace", async () => {
      const { state, priv } = await create();
      const r = await planUpdate(state, priv, { ...baseConfig, name: "beta" });
      expect(r.diagnostics).toEqual([]);
      expect(r.requires_replace).toEqual([]);
      expect(dec(r.planned_state)).toMatchObject({
        id: "wdg-1",
        name: "beta",
        org_id: UNKNOWN,
        password_version: 1,
        note: "auto-note",
      });
    });

    it("no change plans the prior state exactly", async () => {
      const { state, priv } = await create();
      const r = await planUpdate(state, priv, baseConfig);
      expect(dec(r.planned_state)).toEqual(state);
    });

    it("a replace-on-change field is named in requires_replace", async () => {
      const { state, priv } = await create();
      const r = await planUpdate(state, priv, { ...baseConfig, region: "eu" });
      expect(r.requires_replace).toEqual([{ steps: [{ attribute_name: "region" }] }]);
    });

    it("a rejected change is an error naming the field, the values and what to do", async () => {
      const { state, priv } = await create();
      const r = await planUpdate(state, priv, { ...baseConfig, email: "b@example.com" });
      expect(r.diagnostics).toHaveLength(1);
      expect(steps(r.diagnostics[0])).toEqual(["email"]);
      expect(r.diagnostics[0].detail).toBe(
        'Widget (spot_widget) wdg-1: email cannot be changed in Spot ("a@example.com" → "b@example.com"). Create a new widget with the new e-mail instead.',
      );
    });

    it("a changed secret bumps its version; the same secret does not", async () => {
      const { state, priv } = await create();
      const changed = await planUpdate(state, priv, { ...baseConfig, password: "pw-2-secret" });
      expect(dec(changed.planned_state)).toMatchObject({ password: null, password_version: 2, org_id: UNKNOWN });
      expect(JSON.stringify(changed)).not.toContain("pw-2-secret");
      const unchanged = await planUpdate(state, priv, baseConfig);
      expect(dec(unchanged.planned_state).password_version).toBe(1);
    });

    it("an unknown value plans unknown and a possible replace, without errors", async () => {
      const { state, priv } = await create();
      const r = await planUpdate(state, priv, { ...baseConfig, name: UNKNOWN, region: UNKNOWN, password: UNKNOWN });
      expect(r.diagnostics).toEqual([]);
      expect(dec(r.planned_state)).toMatchObject({ name: UNKNOWN, region: UNKNOWN, password_version: UNKNOWN });
      expect(r.requires_replace).toEqual([{ steps: [{ attribute_name: "region" }] }]);
    });

    it("removing a defaulted value plans the default back", async () => {
      const { state, priv } = await create({ ...baseConfig, role: "editor" });
      const r = await planUpdate(state, priv, { ...baseConfig, role: null });
      expect(dec(r.planned_state).role).toBe("viewer");
    });
  });

  describe("apply an update and delete", () => {
    it("updates in place with only the changed fields and returns the planned values", async () => {
      const { state, priv } = await create();
      const cfg = { ...baseConfig, name: "beta", password: "pw-2-secret" };
      const plan = await planUpdate(state, priv, cfg);
      const r = await h.ApplyResourceChange({
        type_name: "spot_widget",
        prior_state: enc(state),
        planned_state: plan.planned_state,
        config: enc(widget(cfg)),
        planned_private: plan.planned_private,
      });
      expect(r.diagnostics).toEqual([]);
      expect(store.calls).toContain("update wdg-1 name,password");
      expect(store.widgets.get("wdg-1")!.passwordHash).toEqual(hashOf("pw-2-secret"));
      const s = dec(r.new_state);
      expect(s).toMatchObject({
        name: "beta",
        org_id: "606079861234",
        password: null,
        password_version: 2,
        encrypted_token: state.encrypted_token,
      });
      expect(JSON.parse(r.private.toString()).secrets.password).toEqual(hashOf("pw-2-secret"));
    });

    it("an update error keeps the prior state", async () => {
      const { state, priv } = await create();
      const cfg = { ...baseConfig, name: "beta" };
      const plan = await planUpdate(state, priv, cfg);
      store.failNext = { op: "update", message: "conflict (409)" };
      const r = await h.ApplyResourceChange({
        type_name: "spot_widget",
        prior_state: enc(state),
        planned_state: plan.planned_state,
        config: enc(widget(cfg)),
        planned_private: plan.planned_private,
      });
      expect(r.diagnostics[0]).toMatchObject({ summary: "Widget wdg-1: update failed", detail: "conflict (409)" });
      expect(dec(r.new_state)).toEqual(state);
    });

    it("deletes on a null planned state", async () => {
      const { state, priv } = await create();
      const plan = await h.PlanResourceChange({
        type_name: "spot_widget",
        prior_state: enc(state),
        proposed_new_state: enc(null),
        config: enc(null),
        prior_private: priv,
      });
      expect(dec(plan.planned_state)).toBeNull();
      const r = await h.ApplyResourceChange({
        type_name: "spot_widget",
        prior_state: enc(state),
        planned_state: enc(null),
        config: enc(null),
        planned_private: priv,
      });
      expect(r.diagnostics).toEqual([]);
      expect(dec(r.new_state)).toBeNull();
      expect(store.widgets.size).toBe(0);
    });

    it("an irreversible delete is refused at plan and apply unless allow_deletion is true", async () => {
      const t = ORG.type;
      const cfg = org({ name: "acme" });
      const p = await h.PlanResourceChange({
        type_name: "spot_org",
        prior_state: enc(null, t),
        proposed_new_state: enc(cfg, t),
        config: enc(cfg, t),
      });
      const a = await h.ApplyResourceChange({
        type_name: "spot_org",
        prior_state: enc(null, t),
        planned_state: p.planned_state,
        config: enc(cfg, t),
      });
      const state = dec(a.new_state, t);
      expect(state).toMatchObject({ name: "acme", allow_deletion: false });
      const destroyPlan = await h.PlanResourceChange({
        type_name: "spot_org",
        prior_state: enc(state, t),
        proposed_new_state: enc(null, t),
        config: enc(null, t),
      });
      expect(destroyPlan.diagnostics[0].summary).toBe(`Refusing to delete Org ${state.id}`);
      expect(destroyPlan.diagnostics[0].detail).toMatch(
        /cannot be undone\. Set allow_deletion = true and apply first, then destroy\./,
      );
      const destroy = await h.ApplyResourceChange({
        type_name: "spot_org",
        prior_state: enc(state, t),
        planned_state: enc(null, t),
        config: enc(null, t),
      });
      expect(destroy.diagnostics[0].summary).toMatch(/Refusing/);
      expect(store.orgs.size).toBe(1);
      const allowed = { ...state, allow_deletion: true };
      const ok = await h.ApplyResourceChange({
        type_name: "spot_org",
        prior_state: enc(allowed, t),
        planned_state: enc(null, t),
        config: enc(null, t),
      });
      expect(ok.diagnostics).toEqual([]);
      expect(store.orgs.size).toBe(0);
    });

    it("StopProvider refuses changes that have not started", async () => {
      expect(await h.StopProvider({})).toEqual({ Error: "", diagnostics: [] });
      const config = widget(baseConfig);
      const r = await h.ApplyResourceChange({
        type_name: "spot_widget",
        prior_state: enc(null),
        planned_state: enc(config),
        config: enc(config),
      });
      expect(r.diagnostics[0].summary).toBe("Provider stopping");
      expect(store.widgets.size).toBe(0);
    });
  });

  describe("import and upgrade", () => {
    it("imports by id; all attributes present, secrets null, local defaults set", async () => {
      await create();
      const r = await h.ImportResourceState({ type_name: "spot_widget", id: "wdg-1" });
      expect(r.diagnostics).toEqual([]);
      const [imp] = r.imported_resources;
      expect(imp.type_name).toBe("spot_widget");
      const s = dec(imp.state);
      expect(s).toMatchObject({
        id: "wdg-1",
        name: "alpha",
        password: null,
        password_version: null,
        encrypted_token: null,
        allow_deletion: false,
      });
      expect(Object.keys(s).sort()).toEqual(WIDGET.attrs.map((a) => a.name).sort());
    });

    it("an unknown or malformed id is an error stating the import id format", async () => {
      const missing = await h.ImportResourceState({ type_name: "spot_widget", id: "wdg-9" });
      expect(missing.diagnostics[0].detail).toBe(
        'spot_widget: no Widget with id "wdg-9" exists in Spot. Import ids for spot_widget have the form wdg-<n>, e.g. wdg-1.',
      );
      const bad = await h.ImportResourceState({ type_name: "spot_widget", id: "x/y" });
      expect(bad.diagnostics[0].detail).toMatch(
        /"x\/y" is not a widget id Import ids for spot_widget have the form wdg-<n>/,
      );
    });

    it("UpgradeResourceState reads JSON raw state into the current schema, dropping plaintext secrets and unknown attributes", async () => {
      const raw = {
        id: "wdg-1",
        name: "alpha",
        password: "leaked-in-old-state",
        obsolete: 1,
        rules: [{ action: "allow" }],
      };
      const r = await h.UpgradeResourceState({
        type_name: "spot_widget",
        version: 0,
        raw_state: { json: Buffer.from(JSON.stringify(raw)) },
      });
      expect(r.diagnostics).toEqual([]);
      const s = dec(r.upgraded_state);
      expect(s).toMatchObject({
        id: "wdg-1",
        name: "alpha",
        password: null,
        role: null,
        rules: [{ action: "allow", priority: null }],
      });
      expect(s.obsolete).toBeUndefined();
      const newer = await h.UpgradeResourceState({
        type_name: "spot_widget",
        version: 3,
        raw_state: { json: Buffer.from("{}") },
      });
      expect(newer.diagnostics[0].summary).toBe("State from a newer provider");
      const flat = await h.UpgradeResourceState({
        type_name: "spot_widget",
        version: 0,
        raw_state: { flatmap: { id: "x" } },
      });
      expect(flat.diagnostics[0].detail).toMatch(/flatmap/);
    });
  });

  describe("data sources", () => {
    it("ReadDataSource runs the lookup; ValidateDataResourceConfig checks its arguments", async () => {
      await create();
      await create({ ...baseConfig, name: "beta" });
      const ds = { type: ["object", { name_prefix: "string", names: ["list", "string"], count: "number" }] as any };
      const r = await h.ReadDataSource({
        type_name: "spot_widgets",
        config: enc({ name_prefix: "al", names: null, count: null }, ds.type),
      });
      expect(r.diagnostics).toEqual([]);
      expect(dec(r.state, ds.type)).toEqual({ name_prefix: "al", names: ["alpha"], count: 1 });
      const bad = await h.ValidateDataResourceConfig({
        type_name: "spot_widgets",
        config: enc({ name_prefix: "a*", names: null, count: null }, ds.type),
      });
      expect(bad.diagnostics[0].detail).toBe("spot_widgets: name_prefix has no wildcards; give a plain prefix");
      expect(steps(bad.diagnostics[0])).toEqual(["name_prefix"]);
    });
  });
});
