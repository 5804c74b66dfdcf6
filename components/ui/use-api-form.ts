import { useCallback, useState } from "react";
import type { ApiResult } from "@/lib/platform/http/api-client";

export type FieldErrors = Record<string, string[]>;

/**
 * The state of a form that saves through the API: `pending` while the request runs, and the
 * server's refusal as a message (for FormError) and field errors (for each Field's `error`).
 * `submit` clears both, sends, and on a refusal shows them; it resolves to the result.
 */
export function useApiForm() {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const submit = useCallback(
    /** `keepPending`: stay pending after a success, for a form whose page moves on (no second click meanwhile). */
    async <T>(request: () => Promise<ApiResult<T>>, options: { keepPending?: boolean } = {}): Promise<ApiResult<T>> => {
      setPending(true);
      setErrors({});
      setMessage(null);
      const result = await request();
      if (!result.ok || !options.keepPending) setPending(false);
      if (!result.ok) {
        setErrors(result.error.fieldErrors);
        setMessage(result.error.message);
      }
      return result;
    },
    [],
  );

  return { errors, message, pending, submit, setErrors, setMessage };
}
