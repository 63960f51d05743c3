// Read from package.json so the User-Agent, the Terraform provider version and the CLI agree.
// eslint-disable-next-line @typescript-eslint/no-var-requires
export const VERSION: string = require("../package.json").version;
