import type { Metadata } from "next";
import { ButtonLink } from "@/components/ui/button";
import { z } from "zod";
import { PortfolioFilterBar } from "@/components/portfolio/portfolio-filter-bar";
import { PortfolioList } from "@/components/portfolio/portfolio-list";
import { PageHeader } from "@/components/ui/card";
import { canCreateProject } from "@/lib/platform/auth/permissions";
import { listPortfolio, listProjectOwners } from "@/lib/portfolio/queries";
import { requireUser } from "@/lib/platform/auth/session";
import { PROJECT_STATUSES } from "@/lib/projects/model";

export const metadata: Metadata = { title: "Projects" };

const dateParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .transform((d) => new Date(`${d}T00:00:00Z`));
/** Filters live in the URL so a filtered view can be shared; a malformed value is ignored, not an error page. */
const filterSchema = z.object({
  status: z.enum(PROJECT_STATUSES).optional().catch(undefined),
  from: dateParam.optional().catch(undefined),
  to: dateParam.optional().catch(undefined),
  owner: z.string().max(64).optional().catch(undefined),
});

export default async function ProjectsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const raw = await searchParams;
  const parsed = filterSchema.parse({ status: raw.status, from: raw.from, to: raw.to, owner: raw.owner });
  const to = parsed.to ? new Date(parsed.to.getTime() + 86_400_000 - 1) : null;
  const [rows, owners] = await Promise.all([
    listPortfolio({ viewer: user, filters: { status: parsed.status ?? null, from: parsed.from ?? null, to, ownerId: parsed.owner ?? null } }),
    listProjectOwners({ viewer: user }),
  ]);
  const canCreate = canCreateProject(user);
  const filtered = Boolean(parsed.status || parsed.from || parsed.to || parsed.owner);
  return (
    <>
      <PageHeader
        title="Migration projects"
        subtitle="Where every cutover stands, and whether it will finish inside its window."
        actions={
          canCreate ? (
            <ButtonLink href="/projects/new">
              New project
            </ButtonLink>
          ) : null
        }
      />
      <PortfolioFilterBar owners={owners} />
      <PortfolioList rows={rows} canCreate={canCreate} filtered={filtered} />
    </>
  );
}
