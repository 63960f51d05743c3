// @ts-check
/**
 * The layering of src/ (DESIGN.md, "Shape"), enforced: for each layer, the layers it must never import —
 * by `import`, `export … from` or `require()`, lazy or not. Paths are resolved, so `../../api/redact` and
 * `../api` count the same. The entry points (the `spot-iac` command, the demo) wire layers together and are exempt.
 */
const path = require("node:path");

const SRC = path.join(__dirname, "src");

/** layer → layers it must not import, with why. */
const NEVER = {
  emulator: {
    api: "the emulator checks the client, it must not mirror it",
    resources: "same",
    core: "same",
    terraform: "same",
    pulumi: "same",
    cli: "same",
  },
  api: {
    resources: "dependencies point down",
    core: "dependencies point down",
    terraform: "same",
    pulumi: "same",
    cli: "same",
    emulator: "same",
  },
  resources: {
    terraform: "a kind knows no front-end",
    pulumi: "a kind knows no front-end",
    cli: "a kind knows no front-end",
    emulator: "kinds talk to Spot through the client",
  },
  core: {
    terraform: "the core never imports a front-end",
    pulumi: "the core never imports a front-end",
    cli: "the core never imports a front-end",
    emulator: "same",
  },
  terraform: {
    api: "front-ends reach Spot only through the core",
    resources: "front-ends reach the kinds only through the core",
    pulumi: "front-ends never import each other",
    cli: "front-ends never import each other",
    emulator: "the provider does not embed the emulator",
  },
  pulumi: {
    api: "front-ends reach Spot only through the core",
    resources: "front-ends reach the kinds only through the core",
    terraform: "front-ends never import each other",
    cli: "front-ends never import each other",
    emulator: "the Pulumi classes do not embed the emulator",
  },
  cli: {
    api: "front-ends reach Spot only through the core",
    resources: "front-ends reach the kinds only through the core",
    terraform: "front-ends never import each other",
    pulumi: "front-ends never import each other",
  },
};

/** Entry points that wire several layers together on purpose. */
const ENTRY_POINTS = new Set([
  path.join(SRC, "cli", "main.ts"),
  path.join(SRC, "cli", "demo.ts"),
  path.join(SRC, "index.ts"),
]);

function layerOf(file) {
  const rel = path.relative(SRC, file);
  if (rel.startsWith("..")) return undefined;
  return rel.split(path.sep)[0];
}

/** @type {import("eslint").Rule.RuleModule} */
const rule = {
  meta: { type: "problem", schema: [], messages: { never: "{{from}} must not import {{to}} ({{why}})" } },
  create(context) {
    const file = context.filename;
    const from = layerOf(file);
    const rules = from && !ENTRY_POINTS.has(file) && NEVER[from];
    if (!rules) return {};
    const check = (node, source) => {
      if (typeof source !== "string" || !source.startsWith(".")) return;
      const to = layerOf(path.resolve(path.dirname(file), source));
      if (to && to !== from && rules[to])
        context.report({ node, messageId: "never", data: { from: `src/${from}`, to: `src/${to}`, why: rules[to] } });
    };
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      CallExpression: (n) => {
        if (n.callee.type === "Identifier" && n.callee.name === "require" && n.arguments[0]?.type === "Literal")
          check(n, n.arguments[0].value);
      },
      ImportExpression: (n) => n.source.type === "Literal" && check(n, n.source.value),
    };
  },
};

module.exports = { rules: { boundaries: rule } };
