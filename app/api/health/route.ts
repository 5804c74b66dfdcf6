import { publicRoute } from "@/lib/platform/http/route";
import { checkHealth, healthResult } from "@/lib/platform/health/check-health";

/** Liveness and readiness for load balancers and for the run page's offline check. Public: it holds no data. */
export const GET = publicRoute({ summary: "Whether this instance and its database answer (503 when the database doesn't)", response: healthResult }, async () => {
  const health = await checkHealth();
  return Response.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
});
