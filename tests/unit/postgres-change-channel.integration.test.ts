/**
 * Live updates across instances on PostgreSQL (LISTEN/NOTIFY), against a real server: a commit
 * reaches every other instance, a rollback reaches none, an instance skips its own, a lost
 * listening connection comes back and says so, and the live bus here hears remote commits once.
 */
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { insertAuditEventPg } from "@/lib/audit/store.postgres";
import type { AuditInput } from "@/lib/audit/chain";
import { CHANGE_CHANNEL, changePayload, INSTANCE_ID, listenForChanges, publishPresence, type ChangeChannel, type PresenceSnapshot } from "@/lib/platform/db/change-channel-postgres";
import { applyPostgresMigrations } from "@/lib/platform/db/migrate-postgres";
import { createPostgresPool } from "@/lib/platform/db/postgres-pool";
import { onProjectsCommitted } from "@/lib/platform/db/commits";
import { runPgTransaction } from "@/lib/platform/db/transaction-postgres";
import { startCrossInstanceLiveUpdates } from "@/lib/platform/live/cross-instance";
import { joinPresence, listPresence, PRESENCE_TTL_MS, subscribePresence } from "@/lib/platform/live/events";
import { startPostgres, type PostgresServer } from "./helpers/postgres-server";

// The audit append names API tokens through the auth module, which opens this process's SQLite
// client on import: point it at a throw-away file, not ./data (vi.hoisted runs before the imports).
await vi.hoisted(async () => (await import("./helpers/throwaway-database-url")).useThrowawayDatabaseUrl("pg-changes"));

let server: PostgresServer;
let url: string;
let pool: pg.Pool;
const channels: ChangeChannel[] = [];

const event = (projectId: string): AuditInput => ({
  actor: null,
  projectId,
  runId: null,
  action: "step.done",
  entityType: "step_run",
  entityId: `s-${projectId}`,
  before: null,
  after: { status: "DONE" },
});

/** One transaction appending an audit event to each project, as a step action would. */
const commitTo = (...projectIds: string[]) =>
  runPgTransaction(pool, async (tx) => {
    for (const projectId of projectIds) await insertAuditEventPg(tx, event(projectId));
  });

/** A listener as another instance would run it, recording what it hears. */
async function instance(name: string) {
  const heard: (string[] | "all")[] = [];
  let gaps = 0;
  const channel = listenForChanges({ connectionString: url, instance: name, onChange: (p) => heard.push(p), onGap: () => gaps++ });
  channels.push(channel);
  await channel.listening();
  return { heard, gaps: () => gaps, channel };
}

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase("changes");
  await applyPostgresMigrations({ connectionString: url });
  pool = createPostgresPool({ connectionString: url });
}, 60_000);

afterAll(async () => {
  for (const channel of channels) await channel.close();
  await pool?.end();
  await server?.stop();
});

describe("the cross-instance change channel", () => {
  it("a commit reaches every other instance with the projects it changed; the writing instance skips its own", async () => {
    const b = await instance("instance-b");
    const c = await instance("instance-c");
    const self = await instance(INSTANCE_ID);
    await commitTo("project-1", "project-2");
    await vi.waitFor(() => expect(b.heard).toEqual([["project-1", "project-2"]]));
    await vi.waitFor(() => expect(c.heard).toEqual([["project-1", "project-2"]]));
    // Delivery is in commit order: once a later marker arrives, the skipped message would have too.
    await commitTo("marker-1");
    await vi.waitFor(() => expect(b.heard).toContainEqual(["marker-1"]));
    expect(self.heard).toEqual([]);
  });

  it("a rolled-back transaction announces nothing", async () => {
    const b = await instance("instance-rollback");
    await expect(
      runPgTransaction(pool, async (tx) => {
        await insertAuditEventPg(tx, event("project-rolled-back"));
        throw new Error("failed after the audit event");
      }),
    ).rejects.toThrow("failed after the audit event");
    await commitTo("project-after");
    await vi.waitFor(() => expect(b.heard).toEqual([["project-after"]]));
  });

  it("a change set too large for one NOTIFY is announced as everything", async () => {
    const b = await instance("instance-big");
    const many = Array.from({ length: 400 }, (_, n) => `project-with-a-rather-long-identifier-${n}`);
    expect(changePayload(many)).toBe(JSON.stringify({ instance: INSTANCE_ID, all: true }));
    await commitTo(...many);
    await vi.waitFor(() => expect(b.heard).toEqual(["all"]));
  });

  it("a lost listening connection comes back, reports the gap, and hears later commits", async () => {
    const b = await instance("instance-reconnect");
    const admin = await pool.connect();
    try {
      const killed = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()`, [`LISTEN ${CHANGE_CHANNEL}`]);
      expect(killed.rowCount).toBeGreaterThan(0);
    } finally {
      admin.release();
    }
    await vi.waitFor(() => expect(b.gaps()).toBe(1), { timeout: 10_000 });
    await b.channel.listening();
    await commitTo("project-after-reconnect");
    await vi.waitFor(() => expect(b.heard).toContainEqual(["project-after-reconnect"]));
  });
});

describe("startCrossInstanceLiveUpdates", () => {
  it("hands another instance's commit to this instance's live listeners, and a local commit reaches them once", async () => {
    const heard: string[][] = [];
    onProjectsCommitted("cross-instance-test", (projects) => heard.push([...projects]));
    const channel = startCrossInstanceLiveUpdates({ connectionString: url });
    channels.push(channel);
    await channel.listening();
    await pool.query(`SELECT pg_notify($1, $2)`, [CHANGE_CHANNEL, changePayload(["project-remote"], "another-instance")]);
    await vi.waitFor(() => expect(heard).toEqual([["project-remote"]]));
    await commitTo("project-local");
    expect(heard).toEqual([["project-remote"], ["project-local"]]); // announced in-process at the commit
    await pool.query(`SELECT pg_notify($1, $2)`, [CHANGE_CHANNEL, changePayload(["marker-2"], "another-instance")]);
    await vi.waitFor(() => expect(heard).toContainEqual(["marker-2"]));
    expect(heard).toEqual([["project-remote"], ["project-local"], ["marker-2"]]); // not a second time through NOTIFY
  });
});

describe("presence across instances", () => {
  it("this instance's viewers reach the others, theirs show here, and an instance that goes quiet takes its viewers with it", async () => {
    const channel = startCrossInstanceLiveUpdates({ connectionString: url });
    channels.push(channel);
    await channel.listening();
    // Another instance, listening as it would.
    const seenThere: PresenceSnapshot[] = [];
    const other = listenForChanges({ connectionString: url, instance: "instance-presence", onChange: () => undefined, onGap: () => undefined, onPresence: (_, snapshot) => seenThere.push(snapshot) });
    channels.push(other);
    await other.listening();

    // A tab opens here: the other instance hears who.
    const leave = joinPresence("project-p", "tab-1", { userId: "u-olivia", name: "Olivia", runId: "run-1" });
    await vi.waitFor(() => expect(seenThere.at(-1)).toEqual({ projectId: "project-p", viewers: [{ userId: "u-olivia", name: "Olivia", runId: "run-1" }] }));

    // Someone watches on the other instance: pages here show both, and the live bus says so.
    let presenceEvents = 0;
    const unsubscribe = subscribePresence("project-p", () => presenceEvents++);
    await publishPresence(pool, { projectId: "project-p", viewers: [{ userId: "u-raj", name: "Raj", runId: null }] }, "instance-presence");
    await vi.waitFor(() => expect(listPresence("project-p").map((v) => v.name).sort()).toEqual(["Olivia", "Raj"]));
    expect(presenceEvents).toBeGreaterThan(0);

    // A malformed message on the channel changes nothing.
    await pool.query(`SELECT pg_notify($1, $2)`, [CHANGE_CHANNEL, JSON.stringify({ instance: "intruder", presence: { projectId: "project-p", viewers: [{ name: 42 }] } })]);
    await publishPresence(pool, { projectId: "project-marker", viewers: [{ userId: "u-m", name: "Marker", runId: null }] }, "instance-presence");
    await vi.waitFor(() => expect(listPresence("project-marker")).toHaveLength(1));
    expect(listPresence("project-p").map((v) => v.name).sort()).toEqual(["Olivia", "Raj"]);

    // The other instance stops repeating itself (it died): its viewers go after the presence TTL.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + PRESENCE_TTL_MS + 1000 });
    let leaveLater: () => void;
    try {
      leave(); // the first tab's own keep-alive lapsed too; it reopens
      leaveLater = joinPresence("project-p", "tab-2", { userId: "u-olivia", name: "Olivia", runId: "run-1" });
      expect(listPresence("project-p").map((v) => v.name)).toEqual(["Olivia"]);
    } finally {
      vi.useRealTimers();
    }

    // The tab here closes: the other instance hears that nobody is left.
    leaveLater();
    unsubscribe();
    await vi.waitFor(() => expect(seenThere.at(-1)).toEqual({ projectId: "project-p", viewers: [] }));
  });
});
