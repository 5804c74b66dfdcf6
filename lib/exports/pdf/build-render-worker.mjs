// @ts-check
/**
 * Builds the PDF worker's code: render-task.ts and the document code it imports, bundled by esbuild
 * into one ES module at .pdf-worker/render-worker.bundle.mjs (packages stay in node_modules).
 *
 * Why a bundle of its own: Next.js bundles the server code into .next/, where a worker file next
 * to a bundled module doesn't exist, and Node can't load our TypeScript/JSX by itself. A plain
 * .mjs entry (render-worker.mjs) that loads a file we build works the same under `next start`,
 * Vitest and the CLI, whatever the build folder.
 *
 * The bundle is rebuilt when any file that went into it changed (size or mtime, listed in
 * .pdf-worker/manifest.json), so a `git pull` or an edit is picked up by the next worker that
 * starts. Several workers may find it stale at once: each builds into its own temporary file and
 * renames it into place, so a reader sees one whole bundle or the other.
 *
 * Run by hand: node lib/exports/pdf/build-render-worker.mjs
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { threadId } from "node:worker_threads";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..", "..");
const ENTRY = path.join(here, "render-task.ts");
// Inside the app's folder so the bundle's package imports resolve from its node_modules.
const OUT_DIR = path.join(root, ".pdf-worker");
export const BUNDLE = path.join(OUT_DIR, "render-worker.bundle.mjs");
const MANIFEST = path.join(OUT_DIR, "manifest.json");

/** Imports a worker must never pull in: they need the request's session or the database. */
const FORBIDDEN = /^(server-only|@prisma\/|better-sqlite3$|next($|\/))|\/generated\/prisma\/(client|internal)/;

/** @returns {boolean} whether the bundle exists and every input is as it was when it was built */
function isFresh() {
  try {
    const manifest = JSON.parse(fs.readFileSync(MANIFEST, "utf8"));
    if (!fs.existsSync(BUNDLE) || manifest.bundleSize !== fs.statSync(BUNDLE).size) return false;
    return Object.entries(manifest.inputs).every(([file, stamp]) => {
      const stat = fs.statSync(path.join(root, file), { throwIfNoEntry: false });
      return stat !== undefined && stat.size === stamp.size && stat.mtimeMs === stamp.mtimeMs;
    });
  } catch {
    return false;
  }
}

/** Builds the bundle now, whatever its state. */
export async function buildRenderWorker() {
  let esbuild;
  try {
    esbuild = await import("esbuild");
  } catch (error) {
    throw new Error(`The PDF worker's code must be built, and esbuild can't be loaded (${error instanceof Error ? error.message : error}). Run \`npm install\` (esbuild comes with the dev dependencies) or \`node lib/exports/pdf/build-render-worker.mjs\` on a machine that has it.`);
  }
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const tmp = `${BUNDLE}.${process.pid}-${threadId}.tmp`;
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    outfile: tmp,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // react, @react-pdf/renderer, @date-fns/tz, piscina: loaded from node_modules at run time.
    packages: "external",
    jsx: "automatic",
    tsconfig: path.join(root, "tsconfig.json"),
    metafile: true,
    logLevel: "silent",
    plugins: [
      {
        name: "worker-boundary",
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) =>
            FORBIDDEN.test(args.path) ? { errors: [{ text: `The PDF worker must not import "${args.path}" (from ${path.relative(root, args.importer)}): workers get plain data, never the database or the session.` }] } : undefined,
          );
        },
      },
    ],
  });
  const inputs = {};
  for (const file of Object.keys(result.metafile.inputs)) {
    const stat = fs.statSync(path.resolve(root, file));
    inputs[path.relative(root, path.resolve(root, file))] = { size: stat.size, mtimeMs: stat.mtimeMs };
  }
  fs.renameSync(tmp, BUNDLE);
  const manifestTmp = `${MANIFEST}.${process.pid}-${threadId}.tmp`;
  fs.writeFileSync(manifestTmp, JSON.stringify({ builtAt: new Date().toISOString(), bundleSize: fs.statSync(BUNDLE).size, inputs }, null, 1));
  fs.renameSync(manifestTmp, MANIFEST);
  return BUNDLE;
}

/** The bundle's path, built first when missing or out of date. */
export async function ensureRenderWorker() {
  if (isFresh()) return BUNDLE;
  return buildRenderWorker();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildRenderWorker().then(
    (file) => console.log(`Built ${path.relative(root, file)}`),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
