import { distDir, ensureBuild, hasBuild } from "../../bench/lib/server";

/** The fault tests drive the production server: build it once if there is no build yet. */
export default function setup(): void {
  if (!hasBuild()) console.log(`No build in ${distDir()}/; building it (NEXT_DIST_DIR=${distDir()}) …`);
  ensureBuild();
}
