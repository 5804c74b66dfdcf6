import { z } from "zod";

// ---------------------------------------------------------------- responses (the API description)

/** What removing the demo took away. */
export const demoRemovedResult = z.object({ projects: z.number().int(), accounts: z.number().int() });
