/** How a reader checks an export against the audit chain; printed in the PDF and the JSON. */
export const HASH_RECIPE =
  "hash = SHA-256 (hex) of the UTF-8 JSON array [prevHash, at, actorId, actorName, projectId, runId, action, entityType, entityId, before, after], " +
  "with `at` as ISO 8601 UTC with milliseconds and `before`/`after` as the stored JSON text. prevHash is the hash of the previous event in the " +
  "installation-wide chain (the first event links to 64 zeros).";

export const VERIFY_STEPS = [
  "Recompute each event's hash from the JSON export of this run (same run, same time) with the recipe below; every one must match.",
  "In Runsheet, open the project's Audit page: it re-verifies the whole chain. The run's last event printed here must still be in the chain with this hash.",
  "The chain head printed here must appear in the chain at that sequence number. Any later edit, deletion or reordering of an event breaks every hash after it.",
];

export const AUDIT_VERIFICATION_TEXT = `${VERIFY_STEPS.map((s, i) => `${i + 1}. ${s}`).join(" ")} Recipe: ${HASH_RECIPE}`;
