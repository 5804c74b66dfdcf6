/**
 * The values of one of Prisma's generated enums (lib/generated/prisma/enums.ts, client-safe), in
 * schema order, as the non-empty tuple zod's z.enum wants. Deriving the lists from the schema means
 * an enum value added there can't be missing from a form, a filter or a label table.
 */
export function enumValues<const E extends Record<string, string>>(values: E): readonly [E[keyof E], ...E[keyof E][]] {
  return Object.values(values) as unknown as [E[keyof E], ...E[keyof E][]];
}
