/**
 * Single sign-on settings come from the environment. A half-done configuration must stop the app
 * with every problem named, never run without SSO (or with passwords open) by accident; and the
 * role a person gets is decided by their claims alone.
 */
import { describe, expect, it } from "vitest";
import { claimValues, parseSsoConfig, roleFromClaims, signInOptions, ssoErrorMessage, SsoConfigError } from "@/lib/platform/auth/sso-config";

const complete = {
  RUNSHEET_OIDC_ISSUER: "https://login.example.test/realms/ops/",
  RUNSHEET_OIDC_CLIENT_ID: "runsheet",
  RUNSHEET_OIDC_CLIENT_SECRET: "s3cret",
  RUNSHEET_OIDC_ROLE_CLAIM: "groups",
  RUNSHEET_OIDC_ADMIN_VALUES: "runsheet-admins",
  RUNSHEET_OIDC_OPERATOR_VALUES: "nbu-operators, dc-night-shift",
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseSsoConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(SsoConfigError);
    return (error as SsoConfigError).problems;
  }
  throw new Error("expected the configuration to be refused");
}

describe("SSO configuration from the environment", () => {
  it("no issuer and nothing else: SSO is off", () => {
    expect(parseSsoConfig({})).toBeNull();
    expect(parseSsoConfig({ RUNSHEET_SSO_ONLY: "0" })).toBeNull();
    expect(signInOptions(null)).toEqual({ sso: null, password: "shown" });
  });

  it("a complete configuration: discovery URL from the issuer, defaults filled in", () => {
    const config = parseSsoConfig(complete);
    expect(config).toMatchObject({
      providerId: "oidc",
      name: "SSO",
      issuer: "https://login.example.test/realms/ops",
      discoveryUrl: "https://login.example.test/realms/ops/.well-known/openid-configuration",
      clientId: "runsheet",
      clientSecret: "s3cret",
      scopes: ["openid", "email", "profile"],
      tokenEndpointAuth: "client_secret_basic",
      roleClaim: "groups",
      roleValues: { ADMIN: ["runsheet-admins"], OPERATOR: ["nbu-operators", "dc-night-shift"], VIEWER: [] },
      unmatchedRole: null,
      ssoOnly: false,
      breakGlassEmails: [],
    });
    expect(signInOptions(config)).toEqual({ sso: { name: "SSO" }, password: "shown" });
  });

  it("SSO only, with and without break-glass accounts", () => {
    const only = parseSsoConfig({ ...complete, RUNSHEET_OIDC_NAME: "Contoso Entra", RUNSHEET_SSO_ONLY: "1" });
    expect(signInOptions(only)).toEqual({ sso: { name: "Contoso Entra" }, password: "hidden" });
    const glass = parseSsoConfig({ ...complete, RUNSHEET_SSO_ONLY: "true", RUNSHEET_SSO_BREAK_GLASS: "Root@Example.test, ops@example.test" });
    expect(glass?.breakGlassEmails).toEqual(["root@example.test", "ops@example.test"]);
    expect(signInOptions(glass).password).toBe("break-glass");
  });

  it("SSO settings without an issuer are a mistake, not 'SSO off'", () => {
    const { RUNSHEET_OIDC_ISSUER: _issuer, ...withoutIssuer } = complete;
    expect(problemsOf(withoutIssuer)).toEqual([expect.stringMatching(/RUNSHEET_OIDC_CLIENT_ID, RUNSHEET_OIDC_CLIENT_SECRET, .* are set but RUNSHEET_OIDC_ISSUER isn't/)]);
    expect(problemsOf({ RUNSHEET_SSO_ONLY: "1" })).toEqual(["RUNSHEET_SSO_ONLY is set but RUNSHEET_OIDC_ISSUER isn't"]);
  });

  it("every problem is listed at once, in words an admin can act on", () => {
    const problems = problemsOf({ RUNSHEET_OIDC_ISSUER: "http://idp.corp.example/realms/ops", RUNSHEET_OIDC_SCOPES: "profile", RUNSHEET_SSO_ONLY: "yes", RUNSHEET_OIDC_UNMATCHED_ROLE: "admin", RUNSHEET_OIDC_TOKEN_AUTH: "jwt" });
    expect(problems).toEqual(
      expect.arrayContaining([
        "RUNSHEET_SSO_ONLY must be 1 or 0",
        expect.stringContaining("RUNSHEET_OIDC_ISSUER must use https://"),
        expect.stringContaining("RUNSHEET_OIDC_CLIENT_ID is required"),
        expect.stringContaining("RUNSHEET_OIDC_CLIENT_SECRET is required"),
        "RUNSHEET_OIDC_SCOPES must include openid",
        expect.stringContaining("RUNSHEET_OIDC_SCOPES must include email"),
        "RUNSHEET_OIDC_UNMATCHED_ROLE must be none (refuse) or viewer",
        "RUNSHEET_OIDC_TOKEN_AUTH must be client_secret_basic or client_secret_post",
      ]),
    );
    const error = (() => {
      try {
        parseSsoConfig({ RUNSHEET_OIDC_ISSUER: "not a url" });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/^Single sign-on is misconfigured:\n {2}- RUNSHEET_OIDC_ISSUER must be a URL/);
  });

  it("a configuration nobody could sign in with is refused", () => {
    const { RUNSHEET_OIDC_ADMIN_VALUES: _a, RUNSHEET_OIDC_OPERATOR_VALUES: _o, ...noValues } = complete;
    expect(problemsOf(noValues)).toEqual([expect.stringContaining("No one could sign in with SSO")]);
    expect(parseSsoConfig({ ...noValues, RUNSHEET_OIDC_UNMATCHED_ROLE: "viewer" })?.unmatchedRole).toBe("VIEWER");
  });

  it("a value in two role lists, a bad break-glass list, break-glass without SSO only", () => {
    expect(problemsOf({ ...complete, RUNSHEET_OIDC_VIEWER_VALUES: "runsheet-admins" })).toEqual(["A claim value can map to one role only: runsheet-admins"]);
    expect(problemsOf({ ...complete, RUNSHEET_SSO_ONLY: "1", RUNSHEET_SSO_BREAK_GLASS: "root" })).toEqual([expect.stringContaining("RUNSHEET_SSO_BREAK_GLASS must be a comma-separated list of email addresses")]);
    expect(problemsOf({ ...complete, RUNSHEET_SSO_BREAK_GLASS: "root@example.test" })).toEqual([expect.stringContaining("only means something with RUNSHEET_SSO_ONLY=1")]);
  });

  it("plain http only for an IdP on the same machine; no query in the issuer", () => {
    expect(parseSsoConfig({ ...complete, RUNSHEET_OIDC_ISSUER: "http://127.0.0.1:3205" })?.discoveryUrl).toBe("http://127.0.0.1:3205/.well-known/openid-configuration");
    expect(parseSsoConfig({ ...complete, RUNSHEET_OIDC_ISSUER: "http://localhost:8080/realms/x" })?.issuer).toBe("http://localhost:8080/realms/x");
    expect(problemsOf({ ...complete, RUNSHEET_OIDC_ISSUER: "https://idp.example.test/?tenant=1" })).toEqual(["RUNSHEET_OIDC_ISSUER must not have a query or fragment"]);
  });
});

describe("role from the IdP's claims", () => {
  const config = parseSsoConfig({ ...complete, RUNSHEET_OIDC_VIEWER_VALUES: "auditors" })!;

  it("the highest role any value maps to; nothing mapped is no access", () => {
    expect(roleFromClaims({ groups: ["nbu-operators", "runsheet-admins"] }, config)).toBe("ADMIN");
    expect(roleFromClaims({ groups: ["dc-night-shift"] }, config)).toBe("OPERATOR");
    expect(roleFromClaims({ groups: ["auditors", "everyone"] }, config)).toBe("VIEWER");
    expect(roleFromClaims({ groups: ["everyone"] }, config)).toBeNull();
    expect(roleFromClaims({ groups: [] }, config)).toBeNull();
    expect(roleFromClaims({}, config)).toBeNull();
    // Values are compared exactly: a look-alike group gives nothing.
    expect(roleFromClaims({ groups: ["Runsheet-Admins", "runsheet-admins-old"] }, config)).toBeNull();
  });

  it("unmatched people get viewer when the install says so", () => {
    expect(roleFromClaims({ groups: ["everyone"] }, { ...config, unmatchedRole: "VIEWER" })).toBe("VIEWER");
  });

  it("a single string, a URL-named claim, a nested path", () => {
    expect(claimValues({ role: "runsheet-admins" }, "role")).toEqual(["runsheet-admins"]);
    expect(claimValues({ "https://runsheet.example/roles": ["a", "b"] }, "https://runsheet.example/roles")).toEqual(["a", "b"]);
    expect(claimValues({ realm_access: { roles: ["nbu-operators", 7, { x: 1 }] } }, "realm_access.roles")).toEqual(["nbu-operators", "7"]);
    expect(claimValues({ realm_access: null }, "realm_access.roles")).toEqual([]);
    expect(roleFromClaims({ realm_access: { roles: ["nbu-operators"] } }, { ...config, roleClaim: "realm_access.roles" })).toBe("OPERATOR");
  });
});

describe("messages after a failed single sign-on", () => {
  it("fixed sentences for known codes; unknown codes as a code, never as prose", () => {
    expect(ssoErrorMessage(undefined, "Contoso")).toBeNull();
    expect(ssoErrorMessage("no_runsheet_role", "Contoso")).toBe("Your Contoso account has no Runsheet role. Ask to be added to a Runsheet group, then sign in again.");
    expect(ssoErrorMessage("access_denied", "Contoso")).toBe("Sign-in was cancelled or refused at Contoso.");
    expect(ssoErrorMessage("invalid_code", "Contoso")).toBe("Sign-in with Contoso didn't work (invalid_code). Try again, or ask an admin.");
    expect(ssoErrorMessage("Call +1 555 0100 to unlock your account", "Contoso")).toBe("Sign-in with Contoso didn't work. Try again, or ask an admin.");
  });
});
