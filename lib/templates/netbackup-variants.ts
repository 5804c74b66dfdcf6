import { DEFAULT_NETBACKUP_VARIANT, type BuiltInTemplateId, type NetbackupVariant } from "./ids";
import { BUILT_IN_TEMPLATES } from "./built-in";
import { netbackupKeepHostnameEdits } from "./netbackup-keep-hostname";
import { netbackupMediaServerMoveEdits } from "./netbackup-media-server-move";
import { netbackupRenameHostnameEdits } from "./netbackup-rename-hostname";
import type { RunbookDocumentInput } from "./runbook-document";
import { tailorDocument, type TemplateEdits } from "./tailor";

const EDITS: Partial<Record<BuiltInTemplateId, (variant: NetbackupVariant) => TemplateEdits>> = {
  "netbackup-keep-hostname": netbackupKeepHostnameEdits,
  "netbackup-rename-hostname": netbackupRenameHostnameEdits,
  "netbackup-media-server-move": netbackupMediaServerMoveEdits,
};

export const isTailoredTemplate = (id: BuiltInTemplateId) => EDITS[id] !== undefined;

/**
 * A built-in template for the project's NetBackup version family and platform path. The built-in
 * documents are written for 8.1–9.x on the same platform, so that variant is the document itself,
 * step for step; the others are edits of it (lib/templates/tailor.ts). Templates that aren't
 * NetBackup-specific come back unchanged. Pure, so the picker's previews and the project agree.
 */
export function tailorNetbackupTemplate(id: BuiltInTemplateId, variant: NetbackupVariant): RunbookDocumentInput {
  const edits = EDITS[id];
  const document = BUILT_IN_TEMPLATES[id];
  if (!edits || (variant.version === DEFAULT_NETBACKUP_VARIANT.version && variant.path === DEFAULT_NETBACKUP_VARIANT.path)) return document;
  return tailorDocument(document, edits(variant));
}
