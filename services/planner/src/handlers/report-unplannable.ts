import { ConfigStoreError } from "@data-exporter/config-store";
import { isRetryable } from "@data-exporter/retry";
import { unplannableExport, type ExportIntent } from "../domain/plan-export.js";
import type { PlanStore } from "./plan-store.js";

export interface UnplannableDeps {
  readonly store: PlanStore;
  readonly bucket: string;
  readonly now: () => number;
}

/**
 * Runs `plan`; when the export configuration is unreadable for good (a malformed DynamoDB item, not an outage),
 * records an empty plan naming the problem instead of letting the request go to the dead-letter topic unseen.
 * Outages (retryable errors) are rethrown so the consumer retries them.
 */
export async function planOrReportUnplannable<T>(
  intent: ExportIntent,
  plan: () => Promise<T>,
  deps: UnplannableDeps,
  run = 0,
): Promise<{ planned: T } | { unplannable: ConfigStoreError }> {
  try {
    return { planned: await plan() };
  } catch (error) {
    if (!(error instanceof ConfigStoreError) || isRetryable(error)) throw error;
    const reason = `the export configuration cannot be read: ${error.message}`;
    const planned = unplannableExport(intent, reason, { bucket: deps.bucket, now: deps.now(), run });
    await deps.store.commit({
      requestId: intent.requestId,
      run,
      configVersion: planned.configVersion,
      events: [{ topic: "exportLifecycle", type: "ExportPlanned", value: planned }],
    });
    return { unplannable: error };
  }
}
