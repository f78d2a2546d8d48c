import type { ExportCompleted } from "@data-exporter/contracts";
import type { Logger } from "@data-exporter/runtime";
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

/** One ExportCompleted from the topic: notified (or found already notified), and logged either way. */
export async function handleExportCompleted(
  event: ExportCompleted,
  deps: NotifierDeps & { readonly log: Pick<Logger, "info"> },
): Promise<void> {
  const result = await notifyCompletion(event, deps);
  const context = { requestId: event.requestId, status: event.status, mode: event.mode };
  if (result.sent) deps.log.info({ ...context, messageId: result.messageId }, "notification published");
  else deps.log.info(context, "notification already published; skipped");
}
