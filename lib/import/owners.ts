/**
 * Owners as plans write them ("Ada Lindqvist", "Lindqvist, Ada", "ada@example.com", "Müller")
 * matched to active users. Pure; the import preview and the server use the same rules.
 */

export interface KnownUser {
  email: string;
  name: string;
  /** Why they can't be assigned steps in the project (a viewer there): the row keeps the owner as text. */
  problem?: string | null;
}

/** Case, accents, punctuation and spacing ignored: "  Zoë  O'Brien" and "zoe obrien" are one name. */
export function foldName(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/['’`]/g, "")
    .replace(/[^\p{L}\p{N}@.]+/gu, " ")
    .trim();
}

export type OwnerMatch =
  | { kind: "user"; user: KnownUser }
  | { kind: "ambiguous"; users: KnownUser[] }
  | { kind: "none" };

/**
 * A name cell → the one active user it names. Tried as written, without a trailing "(DBA)", and
 * as "First Last" when written "Last, First". Two users with the same name are not guessed between.
 */
export function matchOwner(raw: string, users: readonly KnownUser[]): OwnerMatch {
  const text = raw.trim();
  const forms = new Set<string>();
  const add = (form: string) => {
    const folded = foldName(form);
    if (folded) forms.add(folded);
  };
  const bare = text.replace(/\s*\([^)]*\)\s*$/, "");
  for (const form of [text, bare]) {
    add(form);
    const comma = form.split(",");
    if (comma.length === 2) add(`${comma[1]} ${comma[0]}`);
  }
  const found = users.filter((u) => forms.has(foldName(u.email)) || forms.has(foldName(u.name)));
  const unique = [...new Map(found.map((u) => [u.email.toLowerCase(), u])).values()];
  if (unique.length === 1) return { kind: "user", user: unique[0] };
  if (unique.length > 1) return { kind: "ambiguous", users: unique };
  return { kind: "none" };
}
