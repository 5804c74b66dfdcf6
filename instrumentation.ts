/**
 * Runs once when the Next.js server starts: migrates the database (on first import of the
 * Prisma client) and seeds the demo into an empty database unless RUNSHEET_SEED=none.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { prisma } = await import("./lib/db/client");
  await prisma.$queryRawUnsafe("SELECT 1");
  // Load the PDF renderer now, in the background, so the first "Export PDF" doesn't pay ~1 s for it.
  void import("./lib/exports/run-pdf").catch((error) => console.error("Preloading the PDF renderer failed", error));
  if ((process.env.RUNSHEET_SEED ?? "demo") === "none") return;
  const { seedDemo } = await import("./lib/seed");
  if (await seedDemo()) console.log("Runsheet: seeded the demo project and accounts (password: runsheet-demo).");
}
