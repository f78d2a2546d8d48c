import type { ExportCompleted } from "@data-exporter/contracts";
import { retryWithin } from "@data-exporter/retry";
import type { Logger } from "@data-exporter/runtime";
import { formatNotification, publicStatusOf, type Notification } from "../domain/format-notification.js";

export interface NotifierDeps {
  /** Whether the run of the export (0, or a retryExport's) was announced. */
  readonly alreadyNotified: (requestId: string, run: number) => Promise<boolean>;
  readonly publish: (notification: Notification) => Promise<string>;
  readonly recordNotified: (requestId: string, run: number, messageId: string) => Promise<void>;
  /** How long recording a published message may be retried (default 10 minutes). */
  readonly recordBudgetMs?: number;
}

/**
 * One SNS message per export and run (a retried export completes, and is announced, again). A redelivered ExportCompleted is skipped once its message was recorded. Once SNS
 * took the message, recording it is retried here, through a database outage of up to `recordBudgetMs`, rather than
 * failing the event (whose retry would publish again). A duplicate is then only possible when the process dies
 * between the publish and the record, or the outage outlasts the budget (at least once, never zero).
 */
export async function notifyCompletion(
  event: ExportCompleted,
  deps: NotifierDeps,
): Promise<{ sent: boolean; messageId?: string }> {
  if (await deps.alreadyNotified(event.requestId, event.run)) return { sent: false };
  const messageId = await deps.publish(formatNotification(event));
  await retryWithin(deps.recordBudgetMs ?? 600_000, () => deps.recordNotified(event.requestId, event.run, messageId), {
    backoff: { initialMs: 200, maxMs: 5_000 },
  });
  return { sent: true, messageId };
}

/** One ExportCompleted from the topic: notified (or found already notified), and logged either way. */
export async function handleExportCompleted(
  event: ExportCompleted,
  deps: NotifierDeps & { readonly log: Pick<Logger, "info"> },
): Promise<void> {
  const result = await notifyCompletion(event, deps);
  const context = { requestId: event.requestId, run: event.run, status: publicStatusOf(event), mode: event.mode };
  if (result.sent) deps.log.info({ ...context, messageId: result.messageId }, "notification published");
  else deps.log.info(context, "notification already published; skipped");
}
