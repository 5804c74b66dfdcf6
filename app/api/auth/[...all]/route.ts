import { toNextJsHandler } from "better-auth/next-js";
import { auth } from "@/lib/platform/auth/auth";

export const { GET, POST } = toNextJsHandler(auth);
