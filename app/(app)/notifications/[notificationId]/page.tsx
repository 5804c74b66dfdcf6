import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AcknowledgeCard } from "@/components/notifications/acknowledge-card";
import { PageHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/platform/auth/session";
import { getOwnNotification } from "@/lib/notifications/queries";

export const metadata: Metadata = { title: "Notification" };

/** The "Acknowledge" link of an email: opening it shows the notification; only the button acknowledges. */
export default async function NotificationPage({ params }: { params: Promise<{ notificationId: string }> }) {
  const user = await requireUser();
  const { notificationId } = await params;
  const notification = await getOwnNotification({ userId: user.id, notificationId });
  if (!notification) notFound();
  return (
    <>
      <PageHeader title={notification.title} subtitle={new Date(notification.createdAt).toUTCString()} />
      <AcknowledgeCard notification={notification} />
    </>
  );
}
