/**
 * Ids of the built-in templates and the syntax of a "template reference" (what the new-project
 * form sends). Kept apart from the documents so lib/platform/validation.ts and client code can use them
 * without bundling every template.
 */
export const BUILT_IN_TEMPLATE_IDS = [
  "netbackup-keep-hostname",
  "netbackup-rename-hostname",
  "netbackup-media-server-move",
  "generic-server-migration",
] as const;
export type BuiltInTemplateId = (typeof BUILT_IN_TEMPLATE_IDS)[number];

export const isBuiltInTemplateId = (value: string): value is BuiltInTemplateId => (BUILT_IN_TEMPLATE_IDS as readonly string[]).includes(value);

/** Saved templates have Prisma cuid() ids ("c" + lower-case letters and digits); built-in ids have dashes, so the two can't collide. */
export const SAVED_TEMPLATE_ID = /^c[a-z0-9]{20,31}$/;

/** What a new project starts from: nothing, a built-in template, a saved template (its id), or an imported file. */
export const EMPTY_PLAN = "empty";
export const IMPORTED_PLAN = "import";

export const isTemplateRef = (value: string) => value === EMPTY_PLAN || value === IMPORTED_PLAN || isBuiltInTemplateId(value) || SAVED_TEMPLATE_ID.test(value);

/**
 * The NetBackup templates come in a variant per version family and platform path, chosen on the
 * project (prisma/schema.prisma NetbackupVersion, PlatformPath). The default is the variant the
 * built-in documents are written as.
 */
export const NETBACKUP_VERSION_FAMILIES = ["BEFORE_8_1", "V8_1_TO_9", "V10"] as const;
export const NETBACKUP_PLATFORM_PATHS = ["SAME_PLATFORM", "CROSS_PLATFORM"] as const;
export interface NetbackupVariant {
  version: (typeof NETBACKUP_VERSION_FAMILIES)[number];
  path: (typeof NETBACKUP_PLATFORM_PATHS)[number];
}
export const DEFAULT_NETBACKUP_VARIANT: NetbackupVariant = { version: "V8_1_TO_9", path: "SAME_PLATFORM" };
export const NETBACKUP_VARIANTS: readonly NetbackupVariant[] = NETBACKUP_VERSION_FAMILIES.flatMap((version) => NETBACKUP_PLATFORM_PATHS.map((path) => ({ version, path })));
/** "V10/CROSS_PLATFORM": the key of a variant's precomputed preview in the template picker. */
export const netbackupVariantKey = (variant: NetbackupVariant) => `${variant.version}/${variant.path}`;
