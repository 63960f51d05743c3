/**
 * The core: what every front-end (Terraform, Pulumi, GitOps, the next ones) builds on. Front-ends import from
 * here only; the kinds (src/resources) implement ./kind; the client (src/api) stays behind ./context.
 */
export * from "./schema";
export * from "./kind";
export * from "./unknown";
export * from "./check";
export { normalize, diffResource, comparableLive, fingerprint, movedFields, stripUndefined } from "./diff";
export * from "./secrets";
export * from "./errors";
export * from "./lifecycle";
export * from "./context";
export { newRunId, processRunId, RUN_ID_PATTERN } from "../api/run-id";
