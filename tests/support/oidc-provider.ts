/**
 * A real OpenID Provider for the tests: the `oidc-provider` package (the certified Node
 * implementation) on a loopback port, with one confidential client for Runsheet and a directory of
 * people the test controls. Only the sign-in screen is ours (oidc-provider leaves the interaction
 * UI to its host): a labelled form that takes a username, and a Cancel button that answers
 * access_denied, the way a real IdP's "Cancel" does. Consent is granted by the directory (as an
 * IdP does for a first-party app), so the flow is: Runsheet → IdP sign-in → Runsheet.
 *
 * Claims are read from the directory at every sign-in, so a test changes someone's groups with
 * `setPerson` and the next sign-in sees them.
 */
import { createHash, generateKeyPairSync } from "node:crypto";
import http from "node:http";
import Provider from "oidc-provider";

export interface IdpPerson {
  /** What is typed into the IdP's sign-in form; also the `sub` claim. */
  username: string;
  email: string;
  emailVerified?: boolean;
  name?: string;
  groups?: string[];
}

export interface TestIdp {
  issuer: string;
  setPerson(person: IdpPerson): void;
  close(): Promise<void>;
}

export interface TestIdpOptions {
  port: number;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  host?: string;
  /**
   * The private signing key (JWK). A test run that restarts the IdP (a Playwright worker restarts
   * after a failure) must keep the key: the app caches the IdP's keys, as a real client does.
   */
  signingKey?: Record<string, unknown>;
}

/** A fresh RS256 signing key as a private JWK. */
export function newSigningKey(): Record<string, unknown> {
  return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }) as Record<string, unknown>;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

async function readForm(request: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

export async function startTestIdp(options: TestIdpOptions): Promise<TestIdp> {
  const host = options.host ?? "127.0.0.1";
  const issuer = `http://${host}:${options.port}`;
  const people = new Map<string, IdpPerson>();
  const signingKey = options.signingKey ?? newSigningKey();
  const kid = createHash("sha256").update(String(signingKey.n)).digest("base64url").slice(0, 16);

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [{ ...signingKey, use: "sig", alg: "RS256", kid }] },
    cookies: { keys: ["runsheet-test-idp-cookie-key"] },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name"],
      groups: ["groups"],
    },
    features: { devInteractions: { enabled: false } },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    async findAccount(_ctx: unknown, id: string) {
      if (!people.has(id)) return undefined;
      return {
        accountId: id,
        // Read at token/userinfo time: the directory as it is now.
        async claims() {
          const person = people.get(id);
          if (!person) return { sub: id };
          return { sub: id, email: person.email, email_verified: person.emailVerified ?? true, name: person.name, groups: person.groups ?? [] };
        },
      };
    },
    // A first-party app: every scope and claim it asks for is granted without a consent screen.
    async loadExistingGrant(ctx: {
      oidc: {
        provider: { Grant: new (init: { clientId: string; accountId: string }) => { addOIDCScope(scope: string): void; save(): Promise<string> } } & { Grant: { find(id: string): Promise<unknown> } };
        client: { clientId: string };
        session: { accountId: string; grantIdFor(clientId: string): string | undefined };
        result?: { consent?: { grantId?: string } };
        params: { scope?: string };
      };
    }) {
      const existing = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope(ctx.oidc.params.scope ?? "openid");
      await grant.save();
      return grant;
    },
  });
  // Plain http on loopback: oidc-provider would otherwise insist on https for its cookies.
  provider.proxy = false;

  const providerCallback = provider.callback();

  async function interaction(request: http.IncomingMessage, response: http.ServerResponse, uid: string, action: string | undefined) {
    const details = await provider.interactionDetails(request, response);
    if (details.uid !== uid) throw new Error("interaction mismatch");
    if (action === "abort") {
      await provider.interactionFinished(request, response, { error: "access_denied", error_description: "End-User aborted interaction" }, { mergeWithLastSubmission: false });
      return;
    }
    if (action === "login" && request.method === "POST") {
      const username = (await readForm(request)).get("username")?.trim() ?? "";
      if (people.has(username)) {
        await provider.interactionFinished(request, response, { login: { accountId: username } }, { mergeWithLastSubmission: false });
        return;
      }
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(loginPage(uid, `No such user: ${username}`));
      return;
    }
    if (details.prompt.name !== "login") throw new Error(`The test IdP has no screen for the ${details.prompt.name} prompt`);
    response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    response.end(loginPage(uid, null));
  }

  function loginPage(uid: string, error: string | null): string {
    return page(
      "Test IdP sign-in",
      `${error ? `<p role="alert">${escapeHtml(error)}</p>` : ""}
      <form method="post" action="/interaction/${escapeHtml(uid)}/login">
        <label>Username <input name="username" autocomplete="off" required></label>
        <button type="submit">Continue</button>
      </form>
      <form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit">Cancel</button></form>`,
    );
  }

  const server = http.createServer((request, response) => {
    const match = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/.exec(new URL(request.url ?? "/", issuer).pathname);
    if (!match) {
      providerCallback(request, response);
      return;
    }
    interaction(request, response, match[1], match[2]).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
      response.end(`Test IdP error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });

  return {
    issuer,
    setPerson(person) {
      people.set(person.username, person);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
