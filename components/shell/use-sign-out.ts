"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { authClient } from "@/lib/platform/auth/auth-client";

/** Signs out, forgets the pages kept for offline use (they hold what this user could see) and goes to sign-in. */
export function useSignOut() {
  const router = useRouter();
  const [signingOut, setSigningOut] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signOut() {
    setSigningOut(true);
    setError(null);
    const result = await authClient.signOut();
    if (result.error) {
      setError("Sign-out failed. Try again.");
      setSigningOut(false);
      return;
    }
    if ("caches" in window) await Promise.all(["runsheet-pages-v1", "runsheet-static-v1"].map((name) => caches.delete(name))).catch(() => undefined);
    router.push("/login");
    router.refresh();
  }

  return { signOut, signingOut, error };
}
