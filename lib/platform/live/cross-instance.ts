import "server-only";
import { listenForChanges, type ChangeChannel } from "../db/change-channel-postgres";
import { announceRemoteCommit } from "../db/commits";
import { pumpAllChannels } from "./hub";

/**
 * With several instances on PostgreSQL: other instances' commits reach this instance's live pages
 * as its own do (a named project's channel reads its new events); after a reconnect, or an
 * oversized change set, every watched project is read again.
 */
export function startCrossInstanceLiveUpdates(options: { connectionString: string }): ChangeChannel {
  return listenForChanges({
    connectionString: options.connectionString,
    onChange: (projects) => (projects === "all" ? pumpAllChannels() : announceRemoteCommit(projects)),
    onGap: pumpAllChannels,
  });
}
