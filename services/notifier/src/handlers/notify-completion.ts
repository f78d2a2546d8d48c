import type { ExportCompleted } from "@data-exporter/contracts";
import { formatNotification, type Notification } from "../domain/format-notification.js";

export interface NotifierDeps {
  readonly alreadyNotified: (requestId: string) => Promise<boolean>;
  readonly publish: (notification: Notification) => Promise<string>;
  readonly recordNotified: (requestId: string, messageId: string) => Promise<void>;
}

/**
 * One SNS message per export. A redelivered ExportCompleted is skipped once its message was recorded; the only
 * duplicate possible is a crash between the SNS publish and the record (at-least-once, never zero).
 */
export async function notifyCompletion(
  event: ExportCompleted,
  deps: NotifierDeps,
): Promise<{ sent: boolean; messageId?: string }> {
  if (await deps.alreadyNotified(event.requestId)) return { sent: false };
  const messageId = await deps.publish(formatNotification(event));
  await deps.recordNotified(event.requestId, messageId);
  return { sent: true, messageId };
}
