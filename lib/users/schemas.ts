import { z } from "zod";
import { ROLES } from "../platform/auth/roles";
import { email, password, requiredText } from "../platform/validation";

export const createUserInput = z
  .object({
    name: requiredText("Name", 100),
    email,
    password,
    role: z.enum(ROLES),
  })
  .strict();

export const updateUserInput = z
  .object({
    name: requiredText("Name", 100).optional(),
    role: z.enum(ROLES).optional(),
    active: z.boolean().optional(),
  })
  .strict();

export const firstAdminInput = createUserInput.omit({ role: true }).strict();
