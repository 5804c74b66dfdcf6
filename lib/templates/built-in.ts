import type { RunbookDocumentInput } from "./runbook-document";
import { genericServerMigrationTemplate } from "./generic-server-migration";
import type { BuiltInTemplateId } from "./ids";
import { netbackupKeepHostnameTemplate } from "./netbackup-keep-hostname";
import { netbackupMediaServerMoveTemplate } from "./netbackup-media-server-move";
import { netbackupRenameHostnameTemplate } from "./netbackup-rename-hostname";

/**
 * The templates that ship with Runsheet, in the order the new-project form offers them. They live
 * in code (reviewed like code, never edited in the app); admins duplicate one to change it.
 */
export const BUILT_IN_TEMPLATES: Record<BuiltInTemplateId, RunbookDocumentInput> = {
  "netbackup-keep-hostname": netbackupKeepHostnameTemplate,
  "netbackup-rename-hostname": netbackupRenameHostnameTemplate,
  "netbackup-media-server-move": netbackupMediaServerMoveTemplate,
  "generic-server-migration": genericServerMigrationTemplate,
};
