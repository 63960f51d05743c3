#!/usr/bin/env node
/**
 * Runs main.ts without a build step or ts-node (cdktf.json's "app"): TypeScript is transpiled on load,
 * module by module, which is all an app needs (the repository type-checks it with `npm run typecheck`).
 *
 *   cd examples/cdktf-app && node run.js      # writes cdktf.out/stacks/spot-admin/cdk.tf.json
 */
"use strict";
const fs = require("node:fs");
const ts = require("typescript");

require.extensions[".ts"] = (m, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, "utf8"), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  m._compile(outputText, filename);
};

require("./main.ts").main();
