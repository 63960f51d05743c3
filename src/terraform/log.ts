/**
 * Provider logging: stderr only (stdout carries the go-plugin handshake line). Under Terraform, lines are
 * hclog-style JSON so go-plugin files them at the right level in TF_LOG output. Level from SPOT_IAC_LOG,
 * else TF_LOG_PROVIDER / TF_LOG, else warnings only. Callers never pass values, only names and ids.
 */
export type Level = "trace" | "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

export interface Logger {
  log(level: Level, message: string): void;
  debug(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  enabled(level: Level): boolean;
}

function levelFrom(env: NodeJS.ProcessEnv): Level {
  for (const v of [env.SPOT_IAC_LOG, env.TF_LOG_PROVIDER, env.TF_LOG]) {
    const l = (v ?? "").toLowerCase();
    if (l in ORDER) return l as Level;
    if (l === "json") return "trace";
  }
  return "warn";
}

export function createLogger(
  env: NodeJS.ProcessEnv = process.env,
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const min = ORDER[levelFrom(env)];
  const json = !!env.TF_PLUGIN_MAGIC_COOKIE;
  const log = (level: Level, message: string): void => {
    if (ORDER[level] < min) return;
    // go-plugin parses hclog JSON only with microsecond timestamps ("…T15:04:05.000000Z").
    const ts = new Date().toISOString().replace(/Z$/, "000Z");
    write(
      json
        ? JSON.stringify({ "@level": level, "@message": message, "@module": "spot-iac", "@timestamp": ts }) + "\n"
        : `${ts} [${level.toUpperCase()}] spot-iac: ${message}\n`,
    );
  };
  return {
    log,
    debug: (m) => log("debug", m),
    warn: (m) => log("warn", m),
    error: (m) => log("error", m),
    enabled: (l) => ORDER[l] >= min,
  };
}
