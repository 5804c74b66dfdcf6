import "server-only";
import { createPostgresPool } from "../db/postgres-pool";
import { listenForChanges, publishPresence, type ChangeChannel } from "../db/change-channel-postgres";
import { announceRemoteCommit } from "../db/commits";
import { localPresenceSnapshot, PRESENCE_REPUBLISH_MS, receiveRemotePresence, setPresencePublisher } from "./events";
import { pumpAllChannels } from "./hub";

/**
 * With several instances on PostgreSQL: other instances' commits reach this instance's live pages
 * as its own do (a named project's channel reads its new events); after a reconnect, or an
 * oversized change set, every watched project is read again. Presence goes both ways: this
 * instance's viewers are sent when they change and every PRESENCE_REPUBLISH_MS, and the others'
 * are merged into what every page shows.
 */
export function startCrossInstanceLiveUpdates(options: { connectionString: string }): ChangeChannel {
  // One connection is enough for presence: a few small NOTIFYs a minute.
  const pool = createPostgresPool({ connectionString: options.connectionString, max: 1 });
  const send = (projectId: string, viewers: Parameters<typeof receiveRemotePresence>[2]) =>
    void publishPresence(pool, { projectId, viewers }).catch((error: unknown) => console.error("Sending presence to other instances failed", error));
  setPresencePublisher(send);
  const republish = setInterval(() => {
    for (const { projectId, viewers } of localPresenceSnapshot()) send(projectId, viewers);
  }, PRESENCE_REPUBLISH_MS);
  republish.unref?.();
  const channel = listenForChanges({
    connectionString: options.connectionString,
    onChange: (projects) => (projects === "all" ? pumpAllChannels() : announceRemoteCommit(projects)),
    onGap: () => {
      pumpAllChannels();
      // Others may have dropped our viewers while we were away.
      for (const { projectId, viewers } of localPresenceSnapshot()) send(projectId, viewers);
    },
    onPresence: (instance, snapshot) => receiveRemotePresence(instance, snapshot.projectId, snapshot.viewers),
  });
  return {
    listening: channel.listening,
    async close() {
      clearInterval(republish);
      setPresencePublisher(null);
      await channel.close();
      await pool.end();
    },
  };
}
