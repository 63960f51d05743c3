/**
 * `import * as spot from "spot-iac"`: the Pulumi classes and functions. Other front-ends have their own
 * entry points (the `spot-iac` CLI, the Terraform provider, the CDKTF constructs).
 */
export * from "./pulumi";
export { VERSION } from "./version";
