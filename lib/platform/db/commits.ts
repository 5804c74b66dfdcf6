import "server-only";

/**
 * What a transaction did that others hear of after its commit: live pages (which projects changed)
 * and the audit checkpointer (the newest event). Shared by the SQLite runners (./transaction) and
 * the PostgreSQL one (./transaction-postgres); imports no database, so neither pulls in the other.
 */

/** What one transaction attempt did that listeners hear of after its commit. */
export interface CommitRecord {
  projects: Set<string>;
  audit: CommittedAudit | null;
}
const commits = new WeakMap<object, CommitRecord>();

type CommitListener = (projectIds: ReadonlySet<string>) => void;

/** The newest audit event a transaction appended, and whether it ended a run (worth anchoring at once). */
export interface CommittedAudit {
  seq: number;
  hash: string;
  urgent: boolean;
}
type AuditCommitListener = (audit: CommittedAudit) => void;

// On globalThis: Next.js may load this module once per route bundle, and a listener registered
// through one copy must hear commits made through every other.
const globalForCommits = globalThis as unknown as { runsheetCommitListeners?: Map<string, CommitListener>; runsheetAuditCommitListeners?: Map<string, AuditCommitListener> };
const commitListeners = (globalForCommits.runsheetCommitListeners ??= new Map());
const auditCommitListeners = (globalForCommits.runsheetAuditCommitListeners ??= new Map());

/**
 * Hears, after each commit that appended audit events (with or without a project: sign-ins
 * belong to the chain too), the newest one. The audit checkpointer registers here.
 */
export function onAuditCommitted(name: string, listener: AuditCommitListener): void {
  auditCommitListeners.set(name, listener);
}

/** Called by appendAuditEvent: this transaction appended `audit`; listeners hear of it after commit. */
export function markAuditAppended(tx: object, audit: CommittedAudit): void {
  const commit = commits.get(tx);
  if (!commit) return;
  commit.audit = { seq: audit.seq, hash: audit.hash, urgent: audit.urgent || (commit.audit?.urgent ?? false) };
}

/**
 * Hears, after each commit, which projects' audit logs it extended. The live bus registers here,
 * so the database layer knows nothing of who listens. Registering the same name again replaces
 * the listener (a module reloaded in development).
 */
export function onProjectsCommitted(name: string, listener: CommitListener): void {
  commitListeners.set(name, listener);
}

/** Called by appendAuditEvent: this transaction changed `projectId`, tell live pages after commit. */
export function markProjectTouched(tx: object, projectId: string): void {
  commits.get(tx)?.projects.add(projectId);
}

/** Ties `commit` to the transaction object the stores receive, so the mark* functions find it. */
export function bindCommit(tx: object, commit: CommitRecord): void {
  commits.set(tx, commit);
}

/**
 * A fresh record of what a transaction attempt does, tied to its transaction object so that
 * markAuditAppended and markProjectTouched find it (the PostgreSQL runner uses this too).
 */
export function trackCommit(tx: object): CommitRecord {
  const commit: CommitRecord = { projects: new Set<string>(), audit: null };
  bindCommit(tx, commit);
  return commit;
}

/**
 * Another instance committed changes to these projects (its NOTIFY arrived through
 * change-channel-postgres.ts): live pages here hear of them as of a local commit.
 */
export function announceRemoteCommit(projectIds: readonly string[]): void {
  if (projectIds.length === 0) return;
  const projects = new Set(projectIds);
  for (const listener of commitListeners.values()) listener(projects);
}

/** After a commit: live pages hear which projects changed, the checkpointer of the newest audit event. */
export function announceCommit(commit: CommitRecord): void {
  if (commit.projects.size > 0) for (const listener of commitListeners.values()) listener(commit.projects);
  if (commit.audit) {
    for (const listener of auditCommitListeners.values()) {
      // The change is committed: a listener's failure must not turn it into an error response.
      try {
        listener(commit.audit);
      } catch (error) {
        console.error("An audit commit listener failed", error);
      }
    }
  }
}

/*
 * Which transactions run on PostgreSQL. Code shared by both databases (the audit append through
 * Prisma) asks, rather than importing the PostgreSQL modules: the SQLite build never loads `pg`.
 */
const postgresTransactions = new WeakSet<object>();

export function markPostgresTransaction(tx: object): void {
  postgresTransactions.add(tx);
}

export function isPostgresTransaction(tx: object): boolean {
  return postgresTransactions.has(tx);
}
