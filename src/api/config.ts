/**
 * Configuration: explicit options, then the environment (SPOTINST_TOKEN / SPOTINST_ACCOUNT, as Spot's SDKs read
 * them, and SPOTINST_BASE_URL, which is spot-iac's own: Spot's SDKs do not read it), then the credentials file
 * (SPOTINST_CREDENTIALS_FILE or ~/.spotinst/credentials, INI or JSON, profile from SPOTINST_CREDENTIALS_PROFILE).
 *
 * Like the Go SDK's default chain, the account travels with the token: the first source that has a token
 * also supplies the account (an explicit `account` option always wins). Mixing a token from one source with
 * an account from another would silently point at another organization's account.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ini from "ini";
import { ConfigError, type Frontend } from "./errors";

import { DEFAULT_BASE_URL } from "./defaults";

export { DEFAULT_BASE_URL };
export const DEFAULT_PROFILE = "default";

export interface ConfigInput {
  token?: string;
  account?: string;
  baseUrl?: string;
  credentialsFile?: string;
  profile?: string;
  frontend?: Frontend;
}

export interface ResolvedConfig {
  token: string;
  account?: string;
  baseUrl: string;
  /** Where the token came from, for messages ("option token", "env SPOTINST_TOKEN", "file ~/.spotinst/credentials [default]"). */
  tokenSource: string;
  /** Where the base URL came from ("option baseUrl", "env SPOTINST_BASE_URL", "default"), for messages. */
  baseUrlSource?: string;
}

type Env = Record<string, string | undefined>;

function nonEmpty(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  return t ? t : undefined;
}

interface FileCreds {
  token?: string;
  account?: string;
}

/** Parse a credentials file's text (JSON or INI) for one profile. Throws ConfigError on a malformed file. */
export function parseCredentialsFile(text: string, profile: string, file: string): FileCreds | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch (e) {
      throw new ConfigError(`credentials file ${file} looks like JSON but does not parse: ${(e as Error).message}`);
    }
    if (!data || typeof data !== "object") return undefined;
    const obj = data as Record<string, unknown>;
    // The Go SDK's JSON file is flat ({"token","account"}); a {"<profile>": {...}} map is accepted too.
    if (typeof obj.token === "string" || typeof obj.account === "string") {
      return { token: nonEmpty(obj.token), account: nonEmpty(obj.account) };
    }
    const section = obj[profile];
    if (section && typeof section === "object") {
      const s = section as Record<string, unknown>;
      return { token: nonEmpty(s.token), account: nonEmpty(s.account) };
    }
    return undefined;
  }
  const parsed = ini.parse(text) as Record<string, unknown>;
  const section = parsed[profile];
  if (section && typeof section === "object") {
    const s = section as Record<string, unknown>;
    return { token: nonEmpty(s.token), account: nonEmpty(s.account) };
  }
  // A file with bare keys and no [section] is read as the default profile.
  if (profile === DEFAULT_PROFILE && (typeof parsed.token === "string" || typeof parsed.account === "string")) {
    return { token: nonEmpty(parsed.token), account: nonEmpty(parsed.account) };
  }
  return undefined;
}

function homeDir(env: Env): string | undefined {
  return nonEmpty(env.HOME) ?? nonEmpty(env.USERPROFILE) ?? nonEmpty(os.homedir());
}

function validateBaseUrl(url: string, source: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(
      `base URL ${JSON.stringify(url)} (from ${source}) is not a URL; use e.g. ${DEFAULT_BASE_URL}`,
    );
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") {
    throw new ConfigError(`base URL ${JSON.stringify(url)} (from ${source}) must be http:// or https://`);
  }
  return url.replace(/\/+$/, "");
}

function tokenOptionName(frontend: Frontend | undefined): string {
  if (frontend === "pulumi") return "spot:token config";
  if (frontend === "terraform") return "provider token argument";
  return "token option";
}

/**
 * Resolve token, account and base URL. `env` and `home` are parameters so tests need not touch the process.
 * Throws ConfigError naming every place it looked when no token is found.
 */
export function resolveConfig(input: ConfigInput = {}, env: Env = process.env): ResolvedConfig {
  const looked: string[] = [];
  const optName = tokenOptionName(input.frontend);

  const explicitAccount = nonEmpty(input.account);
  let baseUrl: string | undefined;
  let baseSource = "default";
  if (nonEmpty(input.baseUrl)) {
    baseUrl = nonEmpty(input.baseUrl);
    baseSource = "option baseUrl";
  } else if (nonEmpty(env.SPOTINST_BASE_URL)) {
    baseUrl = nonEmpty(env.SPOTINST_BASE_URL);
    baseSource = "env SPOTINST_BASE_URL";
  }
  const resolvedBase = validateBaseUrl(baseUrl ?? DEFAULT_BASE_URL, baseSource);

  const done = (token: string, account: string | undefined, tokenSource: string): ResolvedConfig => ({
    token,
    account: explicitAccount ?? account,
    baseUrl: resolvedBase,
    tokenSource,
    baseUrlSource: baseSource,
  });

  if (input.token !== undefined && !nonEmpty(input.token)) {
    // An explicit but empty token is almost always an unset variable upstream; say so instead of falling back.
    throw new ConfigError(
      `the ${optName} was given but is empty; set it to a Spot API token (or leave it out to use SPOTINST_TOKEN / ~/.spotinst/credentials)`,
    );
  }
  const explicit = nonEmpty(input.token);
  if (explicit) return done(explicit, undefined, `option ${input.frontend === "pulumi" ? "spot:token" : "token"}`);
  looked.push(optName);

  const envToken = nonEmpty(env.SPOTINST_TOKEN);
  if (envToken) return done(envToken, nonEmpty(env.SPOTINST_ACCOUNT), "env SPOTINST_TOKEN");
  looked.push("env SPOTINST_TOKEN");

  const profile = nonEmpty(input.profile) ?? nonEmpty(env.SPOTINST_CREDENTIALS_PROFILE) ?? DEFAULT_PROFILE;
  const explicitFile = nonEmpty(input.credentialsFile) ?? nonEmpty(env.SPOTINST_CREDENTIALS_FILE);
  const files: string[] = [];
  if (explicitFile) {
    files.push(explicitFile);
  } else {
    const home = homeDir(env);
    if (home) {
      files.push(path.join(home, ".spotinst", "credentials"));
      // The Go SDK's JSON provider reads credentials.json; accept it as a second choice.
      files.push(path.join(home, ".spotinst", "credentials.json"));
    }
  }
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") {
        looked.push(`${file} (not found)`);
        continue;
      }
      if (explicitFile) throw new ConfigError(`cannot read credentials file ${file}: ${(e as Error).message}`);
      looked.push(`${file} (unreadable: ${code ?? (e as Error).message})`);
      continue;
    }
    const creds = parseCredentialsFile(text, profile, file);
    if (creds?.token) return done(creds.token, creds.account, `file ${file} [${profile}]`);
    looked.push(creds ? `${file} (profile "${profile}" has no token)` : `${file} (no profile "${profile}")`);
  }
  if (!files.length) looked.push("~/.spotinst/credentials (no home directory)");

  throw new ConfigError(
    `no Spot API token found; looked in: ${looked.join(", ")}. ` +
      `Set SPOTINST_TOKEN, give the ${optName}, or write token=… under [${profile}] in ~/.spotinst/credentials`,
  );
}
