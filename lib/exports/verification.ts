/** How a reader checks an export against the audit chain; printed in the PDF and the JSON. */
export const HASH_RECIPE =
  "hash = SHA-256 (hex) of the UTF-8 JSON array [prevHash, at, actorId, actorName, projectId, runId, action, entityType, entityId, before, after], " +
  "with `at` as ISO 8601 UTC with milliseconds and `before`/`after` as the stored JSON text. prevHash is the hash of the previous event in the " +
  "installation-wide chain (the first event links to 64 zeros).";

export const VERIFY_STEPS = [
  "Recompute each event's hash from the JSON export of this run (same run, same time) with the recipe below; every one must match.",
  "In Runsheet, open the project's Audit page: it re-verifies the whole chain. The run's last event printed here must still be in the chain with this hash.",
  "The chain head printed here must appear in the chain at that sequence number. Any later edit, deletion or reordering of an event breaks every hash after it.",
  "The signed head is an Ed25519 signature by the installation's audit key (its fingerprint, the SHA-256 of the public key, is printed here; the public key is on the Audit page) over the five lines " +
    "\"runsheet-audit-checkpoint/v1\", seq, head hash, signing time (ISO 8601 UTC) and key fingerprint. The event at that sequence number must still carry that hash: deleting the newest events " +
    "or rewriting the chain with recomputed hashes is found this way. `npm run audit:verify` checks every signed checkpoint and each step's state against its events.",
];

export const AUDIT_VERIFICATION_TEXT = `${VERIFY_STEPS.map((s, i) => `${i + 1}. ${s}`).join(" ")} Recipe: ${HASH_RECIPE}`;
