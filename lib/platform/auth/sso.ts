import "server-only";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { genericOAuth, type GenericOAuthUserInfo } from "better-auth/plugins";
import { z } from "zod";
import { prisma } from "../db/client";
import { publishSessionsEnded } from "../live/events";
import { reportAuthEvent } from "./auth-events";
import type { RoleName } from "./roles";
import { OIDC_PROVIDER_ID, roleFromClaims, SSO_ERRORS, ssoConfig, type SsoConfig } from "./sso-config";

/**
 * OpenID Connect single sign-on (better-auth's generic OAuth plugin), configured by environment
 * (sso-config.ts). Everything SSO needs from the auth instance is here, so lib/platform/auth/auth.ts
 * only lists `...ssoPlugins()`:
 *
 * - the IdP's claims decide the role at EVERY sign-in (removing someone from the admin group demotes
 *   them at their next sign-in); a claim that maps to no role is refused unless
 *   RUNSHEET_OIDC_UNMATCHED_ROLE=viewer;
 * - a deactivated user is refused;
 * - first sign-in creates the user (name and email from the claims); an existing account with the
 *   same email is linked only when the IdP says the email is verified;
 * - RUNSHEET_SSO_ONLY=1 refuses password sign-in except for RUNSHEET_SSO_BREAK_GLASS accounts.
 *
 * Refusals are better-auth "validateUserInfo" results: the callback turns them into a redirect to
 * /login?error=<code>, and the login page says what happened (ssoErrorMessage in sso-config.ts).
 */

/** A path on this site: "/projects", never "//elsewhere.example" or "/\\elsewhere". */
const ownPath = z.string().regex(/^\/(?![/\\])/);

/** The body the login page sends to /sign-in/social; nothing else (no idToken sign-in, no extra scopes or parameters). */
const socialSignInBody = z
  .object({
    provider: z.literal(OIDC_PROVIDER_ID),
    callbackURL: ownPath.optional(),
    errorCallbackURL: ownPath.optional(),
    newUserCallbackURL: ownPath.optional(),
    disableRedirect: z.boolean().optional(),
  })
  .strict();

const isTrue = (value: unknown) => value === true || value === "true";

/** "Ada Lovelace" from name, else given + family name, else preferred_username, else the email. */
function displayName(profile: GenericOAuthUserInfo): string {
  const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");
  const full = text(profile.name) || [text(profile.given_name), text(profile.family_name)].filter(Boolean).join(" ");
  return (full || text(profile.preferred_username) || text(profile.email)).slice(0, 200);
}

type ValidateUserInfo = NonNullable<NonNullable<Parameters<typeof import("better-auth").betterAuth>[0]["user"]>["validateUserInfo"]>;

function validateSsoUser(config: SsoConfig): ValidateUserInfo {
  return async ({ user, source }) => {
    if (source.method !== "oauth" || source.oauth?.providerId !== OIDC_PROVIDER_ID) return;
    const profile = source.oauth.profile ?? {};
    const role = roleFromClaims(profile, config);
    const noRole = {
      error: SSO_ERRORS.noRole,
      errorDescription: `Your ${config.name} account has no Runsheet role. Ask to be added to a Runsheet group.`,
    };

    if (source.action === "create-user") {
      if (!role) return noRole;
      // `user` is the very record better-auth is about to insert (internal-adapter createUser), and the
      // role is not an input field the provider profile may set, so this is where a new user gets it.
      (user as { role?: RoleName }).role = role;
      return;
    }

    // sign-in, or link-account (an existing account with the IdP's email): `user.id` is ours.
    const row = await prisma.user.findUnique({ where: { id: String(user.id) }, select: { name: true, role: true, deactivatedAt: true } });
    if (!row) return { error: "user_not_found", errorDescription: "This account no longer exists." };
    if (row.deactivatedAt) return { error: SSO_ERRORS.deactivated, errorDescription: "This account has been deactivated. Ask an admin." };
    if (source.action === "link-account" && !isTrue(profile.email_verified)) {
      // Someone who controls an unverified address at the IdP must not take over the local account.
      return { error: SSO_ERRORS.emailNotVerified, errorDescription: `${config.name} hasn't verified this email address, so it can't be joined to the existing Runsheet account.` };
    }
    const userId = String(user.id);
    if (!role) {
      // The IdP took their access away: their other sessions end too, not just this sign-in.
      await prisma.session.deleteMany({ where: { userId } });
      publishSessionsEnded({ userId, sessionIds: "all" });
      await reportAuthEvent({ kind: "sso_role_change", userId, name: row.name, from: row.role, to: null });
      return noRole;
    }
    if (row.role !== role) {
      await prisma.user.update({ where: { id: userId }, data: { role } });
      await reportAuthEvent({ kind: "sso_role_change", userId, name: row.name, from: row.role, to: role });
    }
  };
}

/** The refusal of password sign-in under RUNSHEET_SSO_ONLY=1, and the strict body of the SSO sign-in. */
function ssoGuard(config: SsoConfig): BetterAuthPlugin {
  return {
    id: "runsheet-sso",
    init: () => ({
      options: {
        user: { validateUserInfo: validateSsoUser(config) },
        account: {
          // Joining an IdP identity to an existing account needs a verified email on both sides
          // (admins create accounts with verified emails; the IdP must say email_verified).
          accountLinking: { enabled: true, requireLocalEmailVerified: true, trustedProviders: [] },
        },
        // Failures before the OAuth state is read (no state, a replayed callback) go to the login
        // page too, not to the library's own error page (which this product doesn't serve).
        onAPIError: { errorURL: "/login" },
      },
    }),
    hooks: {
      before: [
        {
          matcher: (context) => context.path === "/sign-in/email" && config.ssoOnly,
          handler: createAuthMiddleware(async (ctx) => {
            const email = String(ctx.body?.email ?? "").trim().toLowerCase();
            if (config.breakGlassEmails.includes(email)) return;
            throw new APIError("FORBIDDEN", { code: SSO_ERRORS.passwordOff, message: `Password sign-in is turned off. Use "Sign in with ${config.name}".` });
          }),
        },
        {
          matcher: (context) => context.path === "/sign-in/social",
          handler: createAuthMiddleware(async (ctx) => {
            const body = socialSignInBody.safeParse(ctx.body);
            if (!body.success) throw new APIError("BAD_REQUEST", { message: "Only the sign-in button's request is accepted here." });
          }),
        },
      ],
    },
  };
}

/** The plugins single sign-on adds to the auth instance: none when RUNSHEET_OIDC_ISSUER is unset. */
export function ssoPlugins(): BetterAuthPlugin[] {
  const config = ssoConfig();
  if (!config) return [];
  return [
    genericOAuth({
      config: [
        {
          providerId: config.providerId,
          name: config.name,
          // Endpoints and signing keys from the IdP's discovery document; ID tokens are verified
          // against its JWKS and bound to the request by a nonce. Discovery is retried at the next
          // sign-in when the IdP can't be reached at start-up.
          discoveryUrl: config.discoveryUrl,
          requireIdTokenVerification: true,
          clientId: config.clientId,
          clientSecret: config.clientSecret,
          tokenEndpointAuth: { method: config.tokenEndpointAuth },
          scopes: config.scopes,
          pkce: true,
          mapProfileToUser: (profile) => ({ name: displayName(profile) }),
          // Signing out of Runsheet doesn't sign the person out of every other application at the IdP.
          disableProviderLogout: true,
        },
      ],
    }),
    ssoGuard(config),
  ];
}
