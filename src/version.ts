// Read from package.json so the User-Agent, the Terraform provider version and the CLI agree.
export const VERSION: string = require("../package.json").version;
