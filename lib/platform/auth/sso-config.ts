import { z } from "zod";
import type { RoleName } from "./roles";

/**
 * Single sign-on settings, read once from the environment. Pure (no database, no server-only
 * imports) so that the login page, the auth instance and the tests all read the same answer.
 *
 * A configuration that is half there is refused with every problem listed, at start-up: an
 * install that silently ran without SSO (or with password sign-in still open when the admin
 * asked for "SSO only") would be worse than one that doesn't start.
 */

/** better-auth's provider id; the IdP must know the callback <public URL>/api/auth/callback/oidc. */
export const OIDC_PROVIDER_ID = "oidc";
export const OIDC_CALLBACK_PATH = `/callback/${OIDC_PROVIDER_ID}`;

export interface SsoConfig {
  providerId: typeof OIDC_PROVIDER_ID;
  /** Shown on the button: "Sign in with <name>". */
  name: string;
  issuer: string;
  discoveryUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  tokenEndpointAuth: "client_secret_basic" | "client_secret_post";
  /** The claim whose value(s) decide the role; a dotted path reaches into objects (realm_access.roles). */
  roleClaim: string;
  roleValues: Record<RoleName, string[]>;
  /** The role of someone whose claim matches no list: VIEWER, or null = refused. */
  unmatchedRole: RoleName | null;
  /** Password sign-in refused (and the form hidden) except for breakGlassEmails. */
  ssoOnly: boolean;
  breakGlassEmails: string[];
}

export class SsoConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Single sign-on is misconfigured:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "SsoConfigError";
  }
}

type Env = Record<string, string | undefined>;

const list = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The issuer URL, or the sentence that says what's wrong with it. */
function checkIssuer(value: string): { ok: true; url: string } | { ok: false; problem: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, problem: "RUNSHEET_OIDC_ISSUER must be a URL such as https://login.example.com/realms/ops" };
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    return { ok: false, problem: "RUNSHEET_OIDC_ISSUER must use https:// (plain http only on the same machine): tokens and codes cross it" };
  }
  if (url.search || url.hash) return { ok: false, problem: "RUNSHEET_OIDC_ISSUER must not have a query or fragment" };
  return { ok: true, url: value.replace(/\/+$/, "") };
}

const switchSchema = (name: string) =>
  z
    .enum(["", "0", "1", "true", "false"], { message: `${name} must be 1 or 0` })
    .transform((value) => value === "1" || value === "true");

const emailListSchema = z.array(z.email({ message: "RUNSHEET_SSO_BREAK_GLASS must be a comma-separated list of email addresses" }));

/** The variables this file reads; any one of them set without RUNSHEET_OIDC_ISSUER is a mistake. */
const SSO_VARIABLES = [
  "RUNSHEET_OIDC_CLIENT_ID",
  "RUNSHEET_OIDC_CLIENT_SECRET",
  "RUNSHEET_OIDC_NAME",
  "RUNSHEET_OIDC_SCOPES",
  "RUNSHEET_OIDC_TOKEN_AUTH",
  "RUNSHEET_OIDC_ROLE_CLAIM",
  "RUNSHEET_OIDC_ADMIN_VALUES",
  "RUNSHEET_OIDC_OPERATOR_VALUES",
  "RUNSHEET_OIDC_VIEWER_VALUES",
  "RUNSHEET_OIDC_UNMATCHED_ROLE",
  "RUNSHEET_SSO_ONLY",
  "RUNSHEET_SSO_BREAK_GLASS",
] as const;

/** The SSO settings in `env`, null when SSO is off (no RUNSHEET_OIDC_ISSUER), or SsoConfigError listing every problem. */
export function parseSsoConfig(env: Env): SsoConfig | null {
  const value = (name: string) => env[name]?.trim() ?? "";
  const problems: string[] = [];

  const ssoOnly = switchSchema("RUNSHEET_SSO_ONLY").safeParse(value("RUNSHEET_SSO_ONLY"));
  if (!ssoOnly.success) problems.push(ssoOnly.error.issues[0].message);

  if (!value("RUNSHEET_OIDC_ISSUER")) {
    const stray = SSO_VARIABLES.filter((name) => value(name) && !(name === "RUNSHEET_SSO_ONLY" && ssoOnly.success && !ssoOnly.data));
    if (stray.length > 0) problems.push(`${stray.join(", ")} ${stray.length === 1 ? "is" : "are"} set but RUNSHEET_OIDC_ISSUER isn't`);
    if (problems.length > 0) throw new SsoConfigError(problems);
    return null;
  }

  const issuer = checkIssuer(value("RUNSHEET_OIDC_ISSUER"));
  if (!issuer.ok) problems.push(issuer.problem);

  const clientId = value("RUNSHEET_OIDC_CLIENT_ID");
  if (!clientId) problems.push("RUNSHEET_OIDC_CLIENT_ID is required (the client registered for Runsheet at the identity provider)");
  const clientSecret = env.RUNSHEET_OIDC_CLIENT_SECRET ?? "";
  if (!clientSecret.trim()) problems.push("RUNSHEET_OIDC_CLIENT_SECRET is required (Runsheet is a confidential client)");

  const tokenAuth = z
    .enum(["client_secret_basic", "client_secret_post"], { message: "RUNSHEET_OIDC_TOKEN_AUTH must be client_secret_basic or client_secret_post" })
    .safeParse(value("RUNSHEET_OIDC_TOKEN_AUTH") || "client_secret_basic");
  if (!tokenAuth.success) problems.push(tokenAuth.error.issues[0].message);

  const scopes = (value("RUNSHEET_OIDC_SCOPES") || "openid email profile").split(/[\s,]+/).filter(Boolean);
  if (!scopes.includes("openid")) problems.push("RUNSHEET_OIDC_SCOPES must include openid");
  if (!scopes.includes("email")) problems.push("RUNSHEET_OIDC_SCOPES must include email (accounts are keyed by email)");

  const roleValues: Record<RoleName, string[]> = {
    ADMIN: list(env.RUNSHEET_OIDC_ADMIN_VALUES),
    OPERATOR: list(env.RUNSHEET_OIDC_OPERATOR_VALUES),
    VIEWER: list(env.RUNSHEET_OIDC_VIEWER_VALUES),
  };
  const unmatched = z
    .enum(["none", "viewer"], { message: "RUNSHEET_OIDC_UNMATCHED_ROLE must be none (refuse) or viewer" })
    .safeParse((value("RUNSHEET_OIDC_UNMATCHED_ROLE") || "none").toLowerCase());
  if (!unmatched.success) problems.push(unmatched.error.issues[0].message);
  const everyValue = [...roleValues.ADMIN, ...roleValues.OPERATOR, ...roleValues.VIEWER];
  if (everyValue.length === 0 && unmatched.success && unmatched.data === "none") {
    problems.push("No one could sign in with SSO: set RUNSHEET_OIDC_ADMIN_VALUES, _OPERATOR_VALUES or _VIEWER_VALUES, or RUNSHEET_OIDC_UNMATCHED_ROLE=viewer");
  }
  const repeated = everyValue.filter((entry, index) => everyValue.indexOf(entry) !== index);
  if (repeated.length > 0) problems.push(`A claim value can map to one role only: ${[...new Set(repeated)].join(", ")}`);

  const breakGlass = list(env.RUNSHEET_SSO_BREAK_GLASS).map((email) => email.toLowerCase());
  const breakGlassParsed = emailListSchema.safeParse(breakGlass);
  if (!breakGlassParsed.success) problems.push(breakGlassParsed.error.issues[0].message);
  if (breakGlass.length > 0 && ssoOnly.success && !ssoOnly.data) {
    problems.push("RUNSHEET_SSO_BREAK_GLASS only means something with RUNSHEET_SSO_ONLY=1 (without it everyone may use a password)");
  }

  if (problems.length > 0 || !issuer.ok || !tokenAuth.success || !unmatched.success || !ssoOnly.success) throw new SsoConfigError(problems);

  const issuerUrl = issuer.url;
  return {
    providerId: OIDC_PROVIDER_ID,
    name: value("RUNSHEET_OIDC_NAME") || "SSO",
    issuer: issuerUrl,
    // OpenID Connect Discovery 1.0 §4: the issuer with /.well-known/openid-configuration appended.
    discoveryUrl: `${issuerUrl}/.well-known/openid-configuration`,
    clientId,
    clientSecret,
    scopes,
    tokenEndpointAuth: tokenAuth.data,
    roleClaim: value("RUNSHEET_OIDC_ROLE_CLAIM") || "groups",
    roleValues,
    unmatchedRole: unmatched.data === "viewer" ? "VIEWER" : null,
    ssoOnly: ssoOnly.data,
    breakGlassEmails: breakGlass,
  };
}

let cached: { config: SsoConfig | null } | null = null;

/** The install's SSO settings (process.env, read once); throws SsoConfigError when they are incomplete. */
export function ssoConfig(): SsoConfig | null {
  cached ??= { config: parseSsoConfig(process.env) };
  return cached.config;
}

/**
 * For the server's start (instrumentation.ts): a misconfiguration ends the process with the list
 * of problems. Next.js logs an error thrown there and serves anyway, every sign-in then failing
 * with a 500; an install that doesn't come up is the clearer signal.
 */
export function checkSsoConfigAtStart(): void {
  try {
    ssoConfig();
  } catch (error) {
    if (!(error instanceof SsoConfigError)) throw error;
    console.error(`Runsheet can't start. ${error.message}`);
    process.exit(1);
  }
}

/** The values of `claim` in an IdP profile: the claim by its exact name (Auth0 names them by URL), else a dotted path. */
export function claimValues(profile: Record<string, unknown>, claim: string): string[] {
  const value = claim in profile ? profile[claim] : claim.split(".").reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), profile);
  const values = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return values.filter((entry) => typeof entry === "string" || typeof entry === "number").map(String);
}

/** The role the IdP's claims give: the highest role any value maps to, else the unmatched role (null = no access). */
export function roleFromClaims(profile: Record<string, unknown>, config: Pick<SsoConfig, "roleClaim" | "roleValues" | "unmatchedRole">): RoleName | null {
  const values = new Set(claimValues(profile, config.roleClaim));
  for (const role of ["ADMIN", "OPERATOR", "VIEWER"] as const) {
    if (config.roleValues[role].some((entry) => values.has(entry))) return role;
  }
  return config.unmatchedRole;
}

/** What the login page needs to know, nothing secret. */
export interface SignInOptions {
  sso: { name: string } | null;
  /** "shown": the password form; "hidden": SSO only; "break-glass": SSO only, the form behind a link for the listed accounts. */
  password: "shown" | "hidden" | "break-glass";
}

export function signInOptions(config: SsoConfig | null = ssoConfig()): SignInOptions {
  if (!config) return { sso: null, password: "shown" };
  return {
    sso: { name: config.name },
    password: !config.ssoOnly ? "shown" : config.breakGlassEmails.length > 0 ? "break-glass" : "hidden",
  };
}

/** Error codes of our own refusals (lib/platform/auth/sso.ts) that reach /login?error=…. */
export const SSO_ERRORS = {
  noRole: "no_runsheet_role",
  deactivated: "account_deactivated",
  emailNotVerified: "email_not_verified",
  passwordOff: "PASSWORD_SIGN_IN_OFF",
} as const;

/**
 * The sentence the login page shows for /login?error=<code> after a single sign-on attempt. Fixed
 * sentences only: the query string is anyone's to write, so a link must not be able to put its
 * own words (a phone number to call…) on our sign-in page.
 */
export function ssoErrorMessage(code: string | undefined, providerName: string): string | null {
  if (!code) return null;
  const known: Record<string, string> = {
    [SSO_ERRORS.noRole]: `Your ${providerName} account has no Runsheet role. Ask to be added to a Runsheet group, then sign in again.`,
    [SSO_ERRORS.deactivated]: "This account has been deactivated. Ask an admin.",
    [SSO_ERRORS.emailNotVerified]: `A Runsheet account with this email already exists, and ${providerName} hasn't verified the address, so the two can't be joined. Ask an admin.`,
    account_not_linked: `A Runsheet account with this email already exists, and ${providerName} hasn't verified the address, so the two can't be joined. Ask an admin.`,
    access_denied: `Sign-in was cancelled or refused at ${providerName}.`,
    login_required: `${providerName} asked you to sign in again. Try once more.`,
    consent_required: `${providerName} needs your consent for Runsheet. Try once more.`,
    interaction_required: `${providerName} needs you to finish signing in there. Try once more.`,
    temporarily_unavailable: `${providerName} is unavailable at the moment. Try again shortly.`,
    server_error: `${providerName} had an error. Try again shortly.`,
    state_not_found: "That sign-in link had expired or was already used. Start again from this page.",
    state_mismatch: "That sign-in link had expired or was already used. Start again from this page.",
    please_restart_the_process: "That sign-in link had expired or was already used. Start again from this page.",
    email_not_found: `${providerName} didn't share your email address with Runsheet. Ask the ${providerName} administrators to release the email claim.`,
    oauth_provider_not_found: `${providerName} can't be reached at the moment. Try again shortly.`,
    account_already_linked_to_different_user: `This ${providerName} identity is already joined to another Runsheet account. Ask an admin.`,
  };
  if (known[code]) return known[code];
  // Unknown codes are shown as a code, never as prose, and only when they look like one.
  const shown = /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? ` (${code})` : "";
  return `Sign-in with ${providerName} didn't work${shown}. Try again, or ask an admin.`;
}
