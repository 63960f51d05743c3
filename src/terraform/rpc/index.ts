/** The resource RPCs of the provider, one module each: decode the request, call the core, encode the answer. */
export { validateResourceConfig, validateDataResourceConfig } from "./validate";
export { planResourceChange } from "./plan";
export { applyResourceChange } from "./apply";
export { readResource, readDataSource } from "./read";
export { importResourceState } from "./import";
export { upgradeResourceState } from "./upgrade";
