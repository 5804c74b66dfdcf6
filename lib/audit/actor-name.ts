import "server-only";
import { actorNameWithToken } from "../platform/auth/api-tokens";
import type { AuditInput } from "./chain";

/**
 * A change made with an API token names the token in its event's actor name ("Olivia (token:
 * backup-scripts)"), so the audit page, the exports and the PDF all show it without a new column,
 * and the name is covered by the event's hash like every other field.
 */
export function withTokenName(input: AuditInput): AuditInput {
  if (!input.actor) return input;
  const name = actorNameWithToken(input.actor.name);
  return name === input.actor.name ? input : { ...input, actor: { ...input.actor, name } };
}
