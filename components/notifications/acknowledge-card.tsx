"use client";
import Link from "next/link";
import { useState } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { FormError, FormSuccess } from "../ui/field";

export function AcknowledgeCard({ notification }: { notification: { id: string; body: string; href: string; acknowledgedAt: string | null; needsAcknowledgement: boolean } }) {
  const [acknowledgedAt, setAcknowledgedAt] = useState(notification.acknowledgedAt);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function acknowledge() {
    setPending(true);
    setError(null);
    const result = await apiRequest<{ acknowledgedAt: string }>("POST", `/api/notifications/${encodeURIComponent(notification.id)}/acknowledge`, {});
    setPending(false);
    if (!result.ok) return setError(result.error.message);
    setAcknowledgedAt(result.data.acknowledgedAt);
  }

  return (
    <Card className="max-w-xl space-y-4 p-5">
      <p className="text-sm">{notification.body}</p>
      <FormError message={error} />
      {acknowledgedAt ? <FormSuccess message={`Acknowledged at ${new Date(acknowledgedAt).toUTCString()}. You won't be reminded again.`} /> : null}
      <div className="flex flex-wrap gap-2">
        {notification.needsAcknowledgement && !acknowledgedAt ? (
          <Button onClick={acknowledge} disabled={pending}>
            {pending ? "Acknowledging…" : "Acknowledge"}
          </Button>
        ) : null}
        {notification.href ? (
          <Link href={notification.href} className="rounded-md px-3 py-2 text-sm font-medium text-indigo-700 underline dark:text-indigo-300">
            Open the step
          </Link>
        ) : null}
      </div>
    </Card>
  );
}
