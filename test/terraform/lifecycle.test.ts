/**
 * The real `terraform` binary driving the provider served in-process (TF_REATTACH_PROVIDERS) over the
 * fixture kinds: apply → no-op plan → drift → update → secret rotation → replace → reject/validation
 * errors → import → re-create after out-of-band delete → refused and allowed irreversible destroy, with
 * no secret in any file of the working directory nor in `terraform show`.
 */
import { generateKeyPairSync } from "node:crypto";
import { buildSchemas, providerSchemaDocument } from "../../src/terraform/schema";
import { open } from "../../src/terraform/sealed";
import type { RunningServer } from "../../src/terraform/server";
import { MemoryStore, TEST_TOKEN, fixtureContextFactory, orgKind, widgetKind, widgetsLookup } from "./fixtures/kinds";
import { Workdir, describeWithTerraform, startInProcess } from "./support";
import { hashOf } from "../support/secrets";

const PASSWORD_1 = "pw-first-9f8e7d6c";
const PASSWORD_2 = "pw-second-5b4a3928";

const keys = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});

interface Cfg {
  name?: string;
  region?: string;
  email?: string;
  role?: string;
  password?: string;
  orgAllowDeletion?: boolean;
  withOrg?: boolean;
}

function config(c: Cfg): string {
  const opt = (k: string, v: string | undefined): string => (v === undefined ? "" : `  ${k} = ${JSON.stringify(v)}\n`);
  return `
terraform {
  required_providers {
    spot = { source = "spot-iac/spot" }
  }
}
provider "spot" {
  token = "${TEST_TOKEN}"
}
variable "pk" { type = string }
resource "spot_widget" "w" {
  name             = ${JSON.stringify(c.name ?? "alpha")}
${opt("region", c.region)}${opt("email", c.email ?? "a@example.com")}${opt("role", c.role)}${opt("password", c.password ?? PASSWORD_1)}  tags             = ["b", "a"]
  settings         = { color = "red" }
  rules            = [{ action = "allow" }, { action = "deny", priority = 2 }]
  labels           = { team = "core" }
  token_public_key = var.pk
}
${
  c.withOrg === false
    ? ""
    : `resource "spot_org" "o" {
  name = "acme"
${c.orgAllowDeletion === undefined ? "" : `  allow_deletion = ${c.orgAllowDeletion}\n`}}`
}
data "spot_widgets" "all" {
  name_prefix = "a"
  depends_on  = [spot_widget.w]
}
output "widget_names" { value = data.spot_widgets.all.names }
`;
}

describeWithTerraform("terraform lifecycle over the in-process provider", () => {
  const store = new MemoryStore();
  let srv: RunningServer;
  let wd: Workdir;
  let id: string;

  const plan = (...args: string[]) => wd.run("plan", "-no-color", "-detailed-exitcode", "-input=false", ...args);
  const apply = (...args: string[]) => wd.ok("apply", "-no-color", "-auto-approve", "-input=false", ...args);
  const state = (): any => JSON.parse(wd.read("terraform.tfstate"));
  const widgetState = (): any => state().resources.find((r: any) => r.type === "spot_widget").instances[0];

  beforeAll(async () => {
    srv = await startInProcess({
      kinds: [widgetKind, orgKind],
      lookups: [widgetsLookup],
      contextFactory: fixtureContextFactory(store),
    });
    wd = new Workdir({ TF_REATTACH_PROVIDERS: srv.reattach, TF_VAR_pk: keys.publicKey });
    wd.write("main.tf", config({}));
    await wd.ok("init", "-no-color", "-input=false");
  });

  afterAll(async () => {
    await srv?.close();
    wd?.remove();
  });

  test("terraform providers schema -json matches the generated schema document", async () => {
    const fromTerraform = JSON.parse((await wd.ok("providers", "schema", "-json")).stdout);
    const generated = providerSchemaDocument(buildSchemas([widgetKind, orgKind], [widgetsLookup]));
    expect(fromTerraform).toEqual(generated);
  });

  test("apply creates; the token is stored only sealed to the given key", async () => {
    const r = await apply();
    expect(r.stdout).toMatch(/Resources: 2 added/);
    expect(store.widgets.size).toBe(1);
    id = [...store.widgets.keys()][0];
    const w = store.widgets.get(id)!;
    expect(w).toMatchObject({ name: "alpha", tags: ["a", "b"], role: "viewer", passwordHash: hashOf(PASSWORD_1) });
    const attrs = widgetState().attributes;
    expect(attrs).toMatchObject({ id, password: null, password_version: 1, note: "auto-note", role: "viewer" });
    expect(attrs.settings).toEqual({ color: "red", size: null, created_by: "spot" });
    expect(open(attrs.encrypted_token, keys.privateKey)).toBe(store.tokens[0]);
    expect(JSON.parse((await wd.ok("output", "-json", "widget_names")).stdout)).toEqual(["alpha"]);
  });

  test("a second plan shows no changes", async () => {
    const r = await plan();
    expect(r.stdout).toMatch(/No changes/);
    expect(r.code).toBe(0);
  });

  test("an out-of-band change is detected and planned back", async () => {
    store.widgets.get(id)!.name = "changed-outside";
    const r = await plan();
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/name\s+=\s+"changed-outside" -> "alpha"/);
    await apply();
    expect(store.widgets.get(id)!.name).toBe("alpha");
  });

  test("an in-place update, then no changes", async () => {
    wd.write("main.tf", config({ name: "alpha-2", role: "editor" }));
    const r = await apply();
    expect(r.stdout).toMatch(/1 changed/);
    expect(store.widgets.get(id)).toMatchObject({ name: "alpha-2", role: "editor" });
    expect(store.calls).toContain(`update ${id} name,role`);
    expect((await plan()).code).toBe(0);
  });

  test("a changed write-only secret plans an update through its version and is sent", async () => {
    wd.write("main.tf", config({ name: "alpha-2", role: "editor", password: PASSWORD_2 }));
    const p = await plan();
    expect(p.code).toBe(2);
    expect(p.stdout).toMatch(/password_version\s+=\s+1 -> 2/);
    await apply();
    expect(store.widgets.get(id)!.passwordHash).toEqual(hashOf(PASSWORD_2));
    expect(widgetState().attributes.password_version).toBe(2);
    expect((await plan()).code).toBe(0);
  });

  test("a replace-on-change field re-creates the widget", async () => {
    wd.write("main.tf", config({ name: "alpha-2", role: "editor", password: PASSWORD_2, region: "eu" }));
    const p = await plan();
    expect(p.stdout).toMatch(/region\s+=\s+"eu" # forces replacement/);
    expect(p.stdout).toMatch(/1 to add, 0 to change, 1 to destroy/);
    await apply();
    expect(store.widgets.has(id)).toBe(false);
    const newId = widgetState().attributes.id;
    expect(newId).not.toBe(id);
    id = newId;
    expect(store.widgets.get(id)).toMatchObject({ name: "alpha-2", region: "eu" });
  });

  test("a rejected change and a bad value fail at plan with the field and the fix", async () => {
    wd.write(
      "main.tf",
      config({ name: "alpha-2", role: "editor", password: PASSWORD_2, region: "eu", email: "b@example.com" }),
    );
    const rejected = await plan();
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/Cannot change email/);
    expect(rejected.stderr).toMatch(/Create a new widget with the new e-mail instead/);
    expect(rejected.stderr).toMatch(/email\s+=\s+"b@example.com"/); // Terraform shows the attribute's line

    wd.write("main.tf", config({ name: "alpha-2", role: "admin", password: PASSWORD_2, region: "eu" }));
    const invalid = await plan();
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/Invalid role/);
    expect(invalid.stderr).toMatch(/role must be one of "viewer", "editor"; got "admin"/);
    wd.write("main.tf", config({ name: "alpha-2", role: "editor", password: PASSWORD_2, region: "eu" }));
    expect((await plan()).code).toBe(0);
  });

  test("import: an unknown id names the format; a real one adopts the widget and its secret", async () => {
    await wd.ok("state", "rm", "spot_widget.w");
    const bad = await wd.run("import", "-no-color", "-input=false", "spot_widget.w", "wdg-999");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no Widget with id "wdg-999".*wdg-<n>, e\.g\. wdg-1/s);

    const r = await wd.ok("import", "-no-color", "-input=false", "spot_widget.w", id);
    expect(r.stdout).toMatch(/Import successful/);
    // The secret's hash is unknown after import: the configured value is sent once and recorded.
    const p = await plan();
    expect(p.code).toBe(2);
    expect(p.stdout).toMatch(/password_version\s+=\s+null -> 1|\+ password_version\s+=\s+1/);
    await apply();
    expect(store.calls[store.calls.length - 1]).toBe(`update ${id} password`);
    expect((await plan()).code).toBe(0);
  });

  test("an object deleted outside Terraform is planned for re-creation", async () => {
    store.widgets.delete(id);
    const p = await plan();
    expect(p.code).toBe(2);
    expect(p.stdout).toMatch(/1 to add/);
    await apply();
    id = widgetState().attributes.id;
    expect(store.widgets.has(id)).toBe(true);
  });

  test("an irreversible delete is refused until allow_deletion is set", async () => {
    const refused = await wd.run("destroy", "-no-color", "-auto-approve", "-input=false");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Refusing to delete Org/);
    expect(refused.stderr).toMatch(/Set allow_deletion = true and apply first/);
    expect(store.orgs.size).toBe(1);

    wd.write(
      "main.tf",
      config({ name: "alpha-2", role: "editor", password: PASSWORD_2, region: "eu", orgAllowDeletion: true }),
    );
    await apply();
    await wd.ok("destroy", "-no-color", "-auto-approve", "-input=false");
    expect(store.orgs.size).toBe(0);
    expect(store.widgets.size).toBe(0);
  });

  test("no secret appears in any file, in terraform show, or in its JSON", async () => {
    const show = await wd.ok("show", "-no-color");
    const showJson = await wd.ok("show", "-json");
    const everything = wd.allFiles() + show.stdout + showJson.stdout;
    expect(everything).toContain("spotseal1:"); // the backups hold the sealed token
    for (const secret of [PASSWORD_1, PASSWORD_2, ...store.tokens]) expect(everything).not.toContain(secret);
  });
});
