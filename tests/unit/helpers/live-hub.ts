/** The live hub's counters, and a way to make a write look as if another process made it. */
import { onProjectsCommitted } from "@/lib/platform/db/transaction";
import { publishProjectChange } from "@/lib/platform/live/events";
import { liveHubStats } from "@/lib/platform/live/hub";

export const hubStats = liveHubStats;

/** Until the returned function is called, commits don't tell live streams (as a write from the CLI wouldn't). */
export function silenceCommitNotifications(): () => void {
  onProjectsCommitted("live-events", () => {});
  return () =>
    onProjectsCommitted("live-events", (projectIds) => {
      for (const projectId of projectIds) publishProjectChange(projectId);
    });
}
