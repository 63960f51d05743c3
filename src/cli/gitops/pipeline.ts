/**
 * What the pipeline decides and the file cannot: where each organization's token is sent (base URLs), which
 * environment variable holds it (a name pattern), and which variables the file may name as secrets. The file
 * comes from a pull request; flags and the job's environment come from whoever owns the pipeline.
 *
 *   --base-url LABEL=URL, SPOT_BASE_URL_<LABEL>, --base-url URL, SPOTINST_BASE_URL, https://api.spotinst.io
 *                                 (first found: one organization's setting before everyone's, a flag before
 *                                 the environment)
 *   --allow-base-url URL          (and SPOT_IAC_ALLOWED_BASE_URLS): what a `baseUrl:` in the file may say
 *   --token-env-pattern P         (default SPOT_TOKEN_{LABEL})
 *   --secret-env-pattern G        (default SPOT_SECRET_*)
 */
import { DEFAULT_BASE_URL } from "../../core";

export const DEFAULT_TOKEN_ENV_PATTERN = "SPOT_TOKEN_{LABEL}";
export const DEFAULT_SECRET_ENV_PATTERN = "SPOT_SECRET_*";
export const BASE_URL_ENV = "SPOTINST_BASE_URL";
export const ORG_BASE_URL_ENV_PREFIX = "SPOT_BASE_URL_";
export const ALLOWED_BASE_URLS_ENV = "SPOT_IAC_ALLOWED_BASE_URLS";
const LABEL = "{LABEL}";

/** The pipeline's side of the trust boundary, as the command line gives it. */
export interface PipelineOptions {
  /** `URL` (every organization) or `LABEL=URL` (one organization); repeatable. */
  baseUrl?: string[];
  /** URLs a `baseUrl:` in the file may name; repeatable. */
  allowBaseUrl?: string[];
  tokenEnvPattern?: string;
  secretEnvPattern?: string;
}

/** A bad flag or environment setting: the pipeline's mistake, not the file's. */
export class UsageError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "UsageError";
  }
}

/**
 * An organization's label in variable names: its name with every character outside A-Z, a-z, 0-9 turned
 * into `_`, upper-cased (`data-eu` → `DATA_EU`). ASCII only, so the name a file gets is predictable.
 */
export function orgLabel(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, "_").toUpperCase();
}

/**
 * The one form a base URL is compared and used in: scheme, lower-case host, port only when not the
 * default, the path without trailing slashes. User info, queries and fragments are refused rather than
 * dropped: `https://api.spotinst.io@evil.example` must not look like Spot to anyone.
 */
export function normaliseBaseUrl(raw: string): { url: string } | { problem: string } {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return { problem: "is not a URL (write e.g. https://api.spotinst.io)" };
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return { problem: "must start with http:// or https://" };
  if (u.username || u.password || /^[a-z]+:\/\/[^/?#]*@/i.test(raw.trim()))
    return { problem: "must not carry a user name or password (user@host)" };
  if (u.search || u.hash || /[?#]/.test(raw)) return { problem: "must not have a query (?…) or a fragment (#…)" };
  if (!u.hostname) return { problem: "has no host" };
  return { url: `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}` };
}

interface Endpoint {
  url: string;
  /** Where the URL came from, for messages. */
  source: string;
}

/** A glob or `{LABEL}` template as a sequence the overlap check walks: literal characters and classes. */
type Step = { ch: string } | { cls: RegExp; star: boolean };
const ANY = /[A-Za-z0-9_]/;
const LABEL_CHAR = /[A-Z0-9_]/;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";

function steps(pattern: string, kind: "token" | "secret"): Step[] {
  const out: Step[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (kind === "token" && pattern.startsWith(LABEL, i)) {
      out.push({ cls: LABEL_CHAR, star: false }, { cls: LABEL_CHAR, star: true });
      i += LABEL.length - 1;
    } else if (kind === "secret" && pattern[i] === "*") out.push({ cls: ANY, star: true });
    else out.push({ ch: pattern[i] });
  }
  return out;
}

/** Is there a variable name both patterns match? A walk over pairs of positions (the product automaton). */
function overlap(a: Step[], b: Step[]): boolean {
  const seen = new Set<string>();
  const queue: [number, number][] = [[0, 0]];
  while (queue.length) {
    const [i, j] = queue.pop()!;
    const key = `${i},${j}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    const sa = a[i];
    const sb = b[j];
    if (sa && "star" in sa && sa.star) queue.push([i + 1, j]);
    if (sb && "star" in sb && sb.star) queue.push([i, j + 1]);
    if (!sa || !sb) continue;
    for (const ch of ALPHABET) {
      const ma = "ch" in sa ? sa.ch === ch : sa.cls.test(ch);
      const mb = "ch" in sb ? sb.ch === ch : sb.cls.test(ch);
      if (ma && mb) queue.push([i + ("star" in sa && sa.star ? 0 : 1), j + ("star" in sb && sb.star ? 0 : 1)]);
    }
  }
  return false;
}

function matches(s: Step[], name: string): boolean {
  const re = s.map((x) => ("ch" in x ? x.ch : x.cls.source + (x.star ? "*" : ""))).join("");
  return new RegExp(`^${re}$`).test(name);
}

export class Pipeline {
  readonly tokenEnvPattern: string;
  readonly secretEnvPattern: string;
  private readonly tokenSteps: Step[];
  private readonly secretSteps: Step[];
  private readonly fallback: Endpoint;
  private readonly perOrg = new Map<string, Endpoint>();
  private readonly allowed = new Set<string>();

  /** Throws UsageError naming every bad setting. */
  constructor(o: PipelineOptions, env: NodeJS.ProcessEnv) {
    const problems: string[] = [];
    this.tokenEnvPattern = o.tokenEnvPattern ?? DEFAULT_TOKEN_ENV_PATTERN;
    this.secretEnvPattern = o.secretEnvPattern ?? DEFAULT_SECRET_ENV_PATTERN;
    const t = this.tokenEnvPattern;
    // A fixed prefix keeps the organization's name from choosing the whole variable name
    // (`{LABEL}` alone would let an organization named AWS_SECRET_ACCESS_KEY read that).
    if (t.split(LABEL).length !== 2 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(t.replace(LABEL, "X")) || t.startsWith(LABEL))
      problems.push(
        `--token-env-pattern ${JSON.stringify(t)} must be a variable name with {LABEL} once, after a fixed prefix (e.g. ${DEFAULT_TOKEN_ENV_PATTERN})`,
      );
    const s = this.secretEnvPattern;
    if (!/^[A-Za-z_][A-Za-z0-9_]*\*[A-Za-z0-9_*]*$/.test(s) && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(s))
      problems.push(
        `--secret-env-pattern ${JSON.stringify(s)} must be a variable name, * standing for any characters, after a fixed prefix (e.g. ${DEFAULT_SECRET_ENV_PATTERN})`,
      );
    this.tokenSteps = steps(t, "token");
    this.secretSteps = steps(s, "secret");
    if (!problems.length && overlap(this.tokenSteps, this.secretSteps))
      problems.push(
        `--secret-env-pattern ${s} overlaps --token-env-pattern ${t}: a file could send an organization's token as a secret; choose patterns no name matches both`,
      );
    // The client's own token variable is a token whatever the pattern says.
    if (!problems.length && matches(this.secretSteps, "SPOTINST_TOKEN"))
      problems.push(`--secret-env-pattern ${s} matches SPOTINST_TOKEN; choose a narrower pattern`);

    const url = (raw: string, source: string): string | undefined => {
      const n = normaliseBaseUrl(raw);
      if ("url" in n) return n.url;
      // The value is shown without its user info: that part may well be a credential.
      problems.push(`${source}: ${JSON.stringify(raw.replace(/\/\/[^/?#]*@/, "//…@"))} ${n.problem}`);
      return undefined;
    };
    let fallback: Endpoint | undefined;
    for (const [k, v] of Object.entries(env)) {
      if (!k.startsWith(ORG_BASE_URL_ENV_PREFIX) || !v) continue;
      const u = url(v, k);
      if (u) this.perOrg.set(orgLabel(k.slice(ORG_BASE_URL_ENV_PREFIX.length)), { url: u, source: k });
    }
    if (env[BASE_URL_ENV]) {
      const u = url(env[BASE_URL_ENV]!, BASE_URL_ENV);
      if (u) fallback = { url: u, source: BASE_URL_ENV };
    }
    // Flags after the environment: they win.
    for (const v of o.baseUrl ?? []) {
      const m = /^([A-Za-z0-9_.-]+)=(.*)$/s.exec(v);
      if (m) {
        const u = url(m[2], `--base-url ${m[1]}=`);
        if (u) this.perOrg.set(orgLabel(m[1]), { url: u, source: `--base-url ${m[1]}=` });
      } else {
        const u = url(v, "--base-url");
        if (u) fallback = { url: u, source: "--base-url" };
      }
    }
    this.fallback = fallback ?? { url: DEFAULT_BASE_URL, source: "the default" };
    const allow: [string, string][] = (o.allowBaseUrl ?? []).map((v) => [v, "--allow-base-url"]);
    for (const v of (env[ALLOWED_BASE_URLS_ENV] ?? "").split(/[\s,]+/).filter(Boolean))
      allow.push([v, ALLOWED_BASE_URLS_ENV]);
    for (const [v, source] of allow) {
      const u = url(v, source);
      if (u) this.allowed.add(u);
    }
    if (problems.length) throw new UsageError(problems);
  }

  /** The environment variable holding an organization's token. */
  tokenEnv(orgName: string): string {
    return this.tokenEnvPattern.replace(LABEL, orgLabel(orgName));
  }

  isTokenEnv(name: string): boolean {
    return matches(this.tokenSteps, name);
  }

  /** May the file name this variable as a secret? */
  isSecretEnv(name: string): boolean {
    return matches(this.secretSteps, name) && !this.isTokenEnv(name);
  }

  /** A name the secret pattern accepts, for messages (`SPOT_SECRET_ALICE_PASSWORD`). */
  secretEnvExample(hint: string): string | undefined {
    const name = this.secretEnvPattern.replace("*", orgLabel(hint)).replace(/\*/g, "");
    return this.isSecretEnv(name) ? name : undefined;
  }

  /** Where the pipeline sends this organization's token when the file says nothing. */
  endpoint(orgName: string): Endpoint {
    return this.perOrg.get(orgLabel(orgName)) ?? this.fallback;
  }

  /**
   * The base URL of an organization whose file entry says `baseUrl: raw`: accepted when it is where the
   * pipeline sends the token anyway or on the allow-list, never when the pipeline set one for this
   * organization and it differs.
   */
  fileBaseUrl(orgName: string, raw: string): { url: string } | { problem: string } {
    const n = normaliseBaseUrl(raw);
    if ("problem" in n) return n;
    const mine = this.endpoint(orgName);
    if (n.url === mine.url) return n;
    const label = orgLabel(orgName);
    if (this.perOrg.has(label))
      return {
        problem: `the pipeline sends organization "${orgName}"'s token to ${mine.url} (${mine.source}); remove baseUrl from the file`,
      };
    if (this.allowed.has(n.url)) return n;
    return {
      problem: `${n.url} is not a base URL this pipeline allows, and the file cannot choose where organization "${orgName}"'s token is sent; remove baseUrl (the token then goes to ${mine.url}, from ${mine.source}), or have the pipeline allow it with --allow-base-url ${n.url} (or ${ALLOWED_BASE_URLS_ENV}), or set it with --base-url ${label}=${n.url}`,
    };
  }
}
