// oidc-provider ships no type declarations; the test IdP (oidc-provider.ts) uses a small, typed surface of it.
declare module "oidc-provider";
