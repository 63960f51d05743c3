/**
 * Run ids: what ties the changes of one run (a `pulumi up`, a Terraform provider process, a GitOps apply) to
 * Spot's audit log, through the User-Agent `spot-iac/<v> (<frontend>; run=<runId>)`. One format, generated here
 * and nowhere else: `r20261202T011700Z-1a2b3c4d` sorts by time and reads well in a User-Agent.
 */
import { randomBytes } from "node:crypto";

/** What a run id given by the user may contain (it travels in a header and in file names). */
export const RUN_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

export function newRunId(now = new Date()): string {
  const ts = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `r${ts}-${randomBytes(4).toString("hex")}`;
}

let processRun: string | undefined;

/**
 * The run id of this process: SPOT_IAC_RUN_ID when set (a pipeline naming its run), else one generated on first
 * use and shared by every client of the process.
 */
export function processRunId(): string {
  if (!processRun) {
    const fromEnv = process.env.SPOT_IAC_RUN_ID;
    processRun = fromEnv && RUN_ID_PATTERN.test(fromEnv) ? fromEnv : newRunId();
  }
  return processRun;
}
