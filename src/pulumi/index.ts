/**
 * The Pulumi front-end: one class per resource kind (`spot.Account` …), lookups as functions
 * (`spot.getAccounts()` …), and `spot.Connection` for programs that manage several organizations.
 * Importing it has no side effects beyond loading @pulumi/pulumi: kind schemas load with the first resource.
 */
export * from "./generated";
export { Connection, SpotResource } from "./resource";
export type { ConnectionArgs, SpotResourceArgs, SpotResourceOptions } from "./resource";
export { invokeLookup, invokeLookupOutput } from "./lookups";
export type { LookupOptions } from "./lookups";
