import { Worker } from "node:worker_threads";

/**
 * WAL checkpoints off the request thread. SQLite's automatic checkpoint runs inside the committing request and
 * fsyncs the database file, stalling every in-flight request for milliseconds; a worker thread with its own
 * connection runs PASSIVE checkpoints instead (they never block the writer). A killed process leaves the WAL,
 * which SQLite replays on the next open, so durability is unchanged.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 50");
const timer = setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch { /* busy: next round */ }
}, workerData.intervalMs);
parentPort.on("message", (m) => {
  if (m !== "stop") return;
  clearInterval(timer);
  db.close();
  parentPort.postMessage("stopped");
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, intervalMs = 250): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, intervalMs, driver: require.resolve("better-sqlite3") },
  });
  worker.unref();
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        const done = () => resolve();
        worker.once("message", () => worker.terminate().then(done, done));
        worker.once("error", done);
        worker.once("exit", done);
        worker.postMessage("stop");
      });
      return stopped;
    },
  };
}
