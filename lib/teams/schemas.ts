import { z } from "zod";
import { id, requiredText, text } from "../platform/validation";
import { TEAM_NAME_MAX } from "./model";

// Lengths and characters of a name are checked again by the service (teamNameProblem), which
// also says why a "+" can't be in one.
export const createTeamInput = z.object({ name: requiredText("Name", TEAM_NAME_MAX), description: text("Description", 200).default("") }).strict();

export const updateTeamInput = z
  .object({ name: requiredText("Name", TEAM_NAME_MAX).optional(), description: text("Description", 200).optional() })
  .strict()
  .refine((v) => v.name !== undefined || v.description !== undefined, { message: "Change the name or the description." });

export const mergeTeamInput = z.object({ intoTeamId: id }).strict();

// ---------------------------------------------------------------- responses (the API description)

export const teamResult = z.object({ id: z.string(), name: z.string(), description: z.string() });

/** The team that remains after a merge, and how many steps moved to it. */
export const teamMergedResult = z.object({ id: z.string(), name: z.string(), movedSteps: z.number().int() });
