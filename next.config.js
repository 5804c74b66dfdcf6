import { configSecurityHeaders } from "./lib/platform/http/security-headers.mjs";

/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 is a native module: load it from node_modules at run time, never bundle it.
  // piscina starts its worker threads from its own files (lib/exports/pdf-pool.ts): it must stay
  // in node_modules too.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "piscina"],
  poweredByHeader: false,
  // Lets parallel builds (tests, benchmark) on one checkout use separate output folders.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  typedRoutes: false,
  // forbidden() (app/forbidden.tsx): a page the role may not open answers 403, not a 200 or a 404.
  experimental: { authInterrupts: true },
  // X-Frame-Options, nosniff, Referrer-Policy, Permissions-Policy on every response, and a no-script
  // CSP on API answers and static files. Pages get their nonce CSP from proxy.ts.
  async headers() {
    return configSecurityHeaders();
  },
};

export default nextConfig;
