// Import-boundary rules for Runsheet, checked by `npm run lint:boundaries` (part of `npm test`).
//
// Layers: lib/platform/ (shared infrastructure) <- lib/<feature>/ <- components/ and app/.
// Run: npm run lint:boundaries   (see package.json for the exact depcruise command)
//
// Parsing note: the project's TypeScript is 7 (the native compiler), which has no JavaScript
// API, and dependency-cruiser (17.x) only drives TypeScript <7; with TS 7 it silently sees no
// .ts/.tsx files at all. So .ts/.tsx are transpiled with Babel instead (@babel/preset-typescript
// + the JSX transform, see .dependency-cruiser.babel.json) and the result is parsed. Two
// consequences:
//  - dependency-cruiser still thinks .ts/.tsx are unscannable when handed a DIRECTORY, so the
//    npm script passes globs ('app/**/*.{ts,tsx}' ...) instead of "app components lib".
//  - the graph is the RUNTIME graph: imports TypeScript erases (`import type`, or imports used
//    only as types) are not seen. That is exactly right for the server-only and SQLite rules
//    (erased imports ship nothing); for the layering rules a type-only reach across a boundary
//    is not flagged.
// The "no-unresolvable" rule and the "canary-*" required rules below make the check fail
// loudly, rather than pass vacuously, if parsing or the `@/` alias resolution ever breaks.
//
// Module paths below are relative to the repo root, POSIX separators; npm packages show up as
// node_modules/<name>/... (they are not followed, only recorded as leaves).

const fs = require("node:fs");
const path = require("node:path");

/** lib/X/store.ts, lib/X/store.sqlite.ts, ... (a feature's hand-written SQL). */
const STORE_FILE = "^lib/[^/]+/store\\.[^/]+$";

/**
 * Every file under app/, components/ and lib/ whose first statement is the "use client"
 * directive, as one anchored regex. dependency-cruiser can't look at file contents, so the
 * config reads them itself (a few hundred small files: milliseconds).
 */
function useClientFilesPattern() {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(__dirname, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && rel !== "lib/generated") walk(rel);
      } else if (/\.(?:[cm]?[jt]sx?)$/.test(entry.name)) {
        const head = fs
          .readFileSync(path.join(__dirname, rel), "utf8")
          .slice(0, 2000)
          // drop a BOM, leading blank lines and leading comments
          .replace(/^\uFEFF?(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/, "");
        if (/^(["'])use client\1/.test(head)) files.push(rel);
      }
    }
  };
  for (const root of ["app", "components", "lib"]) {
    if (fs.existsSync(path.join(__dirname, root))) walk(root);
  }
  if (files.length === 0) return "^$.^"; // matches nothing
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return `^(?:${files.map(escape).join("|")})$`;
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    // 1. platform is the bottom layer
    {
      name: "platform-imports-no-feature",
      severity: "error",
      comment:
        "lib/platform/ is shared infrastructure: it must not import a feature (any lib/ folder " +
        "other than platform/ and generated/), nor components/ or app/. Move the shared piece " +
        "down into lib/platform/, or invert the dependency (the feature passes it in).",
      from: { path: "^lib/platform/" },
      to: { path: ["^lib/(?!(?:platform|generated)/)", "^components/", "^app/"] },
    },

    // 2. a store is private to its feature
    {
      name: "store-is-feature-private",
      severity: "error",
      comment:
        "A feature's store.* file (its hand-written SQL) is private to that feature: only " +
        "lib/X/** may import lib/X/store.*. Other features, components/ and app/ go through " +
        "lib/X's service.ts / queries.ts instead.",
      // $1 is the importer's own feature folder (or app / components); the store may be
      // imported only from inside the same folder.
      from: { path: "^(lib/[^/]+|app|components)/" },
      to: { path: STORE_FILE, pathNot: "^$1/" },
    },

    // 3. server-only code never reaches the browser
    {
      name: "components-reach-no-server-only",
      severity: "error",
      comment:
        "components/ is UI that can end up in the client bundle: nothing under components/ may " +
        "reach (directly or through any chain of imports) a module that imports 'server-only' " +
        "(the feature service.ts / queries.ts files, lib/platform/db, auth, live, http/route). " +
        "Use the feature's client-safe model.ts, or pass the data in from a server component/page.",
      from: { path: "^components/" },
      to: { path: "(^|/)node_modules/server-only/", reachable: true },
    },
    {
      name: "use-client-reaches-no-server-only",
      severity: "error",
      comment:
        "A file that starts with \"use client\" is a client-bundle entry point: it must not reach " +
        "(directly or transitively) a module that imports 'server-only'. Use client-safe modules " +
        "(model.ts, lib/platform pure helpers) or call the route handlers over HTTP.",
      // components/ is already covered (whole folder) by the rule above: don't report twice
      from: { path: useClientFilesPattern(), pathNot: "^components/" },
      to: { path: "(^|/)node_modules/server-only/", reachable: true },
    },

    // 4. nothing else knows it is SQLite (or PostgreSQL)
    {
      name: "sqlite-only-in-db-and-stores",
      severity: "error",
      comment:
        "Only lib/platform/db/** and a feature's store.* file may import better-sqlite3 or pg (or " +
        "Prisma's adapters for them): nothing else knows which database it is. Go through " +
        "lib/platform/db or the feature's store.",
      from: {
        pathNot: [
          "^lib/platform/db/",
          STORE_FILE,
          // The backup CLI uses SQLite's online backup API (better-sqlite3 `db.backup`) directly.
          "^lib/cli/",
          // The benchmark floor route is deliberately a raw better-sqlite3 UPDATE (no Prisma,
          // no auth) to measure the floor the real routes are compared against.
          "^app/api/bench/",
          // Only app/, components/ and lib/ are held to this rule; tests, the benchmark harness
          // and e2e may open the database directly (they aren't cruised by lint:boundaries
          // anyway; this keeps the rule right if someone cruises them).
          "^(?:tests|bench|e2e)/",
        ],
      },
      to: {
        path: ["(^|/)node_modules/better-sqlite3/", "(^|/)node_modules/@prisma/adapter-better-sqlite3/", "(^|/)node_modules/pg/", "(^|/)node_modules/@prisma/adapter-pg/"],
      },
    },

    // 5. lib/ is below the UI
    {
      name: "lib-imports-no-app-or-components",
      severity: "error",
      comment:
        "lib/ (platform, features, cli) sits below the UI: it never imports from app/ or " +
        "components/. Move the shared code into lib/ (a feature's model.ts, or lib/platform/).",
      from: { path: "^lib/" },
      to: { path: ["^app/", "^components/"] },
    },

    // keeps the check honest: an import that can't be resolved is invisible to every rule above
    {
      name: "no-unresolvable",
      severity: "error",
      comment:
        "This import can't be resolved, so the boundary rules can't see where it goes. Fix the " +
        "path (the `@/` alias comes from tsconfig.json) or install the package.",
      from: {},
      to: { couldNotResolve: true },
    },

    // 6. no cycles in lib/
    {
      name: "no-circular-in-lib",
      severity: "error",
      comment:
        "No circular imports within lib/: a cycle means two modules can't be understood, " +
        "tested or initialised separately. Break it by moving the shared part into a lower module.",
      from: { path: "^lib/" },
      to: { path: "^lib/", circular: true },
    },
  ],

  // Canaries: if the TypeScript/JSX parsing silently stopped working (e.g. Babel missing or
  // misconfigured), modules would have no dependencies and every forbidden rule would pass.
  // These known, stable imports must always be seen.
  required: [
    {
      name: "canary-ts-imports-are-seen",
      severity: "error",
      comment:
        "Boundary-check self-test: lib/platform/db/client.ts imports 'server-only'. If this fails, " +
        "dependency-cruiser isn't reading .ts imports (check @babel/core, " +
        ".dependency-cruiser.babel.json and the globs in the lint:boundaries script).",
      module: { path: "^lib/platform/db/client\\.ts$" },
      to: { path: "(^|/)node_modules/server-only/" },
    },
    {
      name: "canary-tsx-imports-are-seen",
      severity: "error",
      comment:
        "Boundary-check self-test: app/layout.tsx has JSX, so (after the JSX transform) it depends " +
        "on react/jsx-runtime. If this fails, dependency-cruiser isn't reading .tsx files.",
      module: { path: "^app/layout\\.tsx$" },
      to: { path: "(^|/)node_modules/react/jsx-runtime" },
    },
  ],

  options: {
    // record npm packages as leaves (needed to see 'server-only' / 'better-sqlite3'), don't descend
    doNotFollow: { path: ["(^|/)node_modules/", "^lib/generated/"] },
    // Prisma's generated client (lib/generated, gitignored) is recorded but never parsed: the
    // globs skip it and doNotFollow stops the cruise at it. Declaration files aren't code.
    exclude: { path: "\\.d\\.ts$" },
    moduleSystems: ["es6", "cjs"],
    // resolve the `@/*` -> `./*` alias from tsconfig.json
    tsConfig: { fileName: "tsconfig.json" },
    // TypeScript 7 can't be driven by dependency-cruiser: transpile .ts/.tsx with Babel instead
    babelConfig: { fileName: ".dependency-cruiser.babel.json" },
    enhancedResolveOptions: {
      extensions: [".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".json"],
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
      mainFields: ["module", "main"],
    },
    progress: { type: "none" },
  },
};
