/**
 * Watches the deployment's export-completed topic (a consumer group of its own, from the beginning) and stamps when
 * each request's ExportCompleted reached the bench: the drain's end, without polling requestStatus 1,000 times.
 */
import { randomBytes } from "node:crypto";
import { EventConsumer } from "@data-exporter/bus";
import { kafkaFromEnv } from "../../harness/index.js";

export interface CompletionWatch {
  /** requestId → epoch ms of its first ExportCompleted and its status (SUCCESS, FAILED, PARTIAL_SUCCESS). */
  readonly seen: ReadonlyMap<string, { readonly at: number; readonly status: string }>;
  stop(): Promise<void>;
}

export async function watchCompletions(namespace: string): Promise<CompletionWatch> {
  const seen = new Map<string, { at: number; status: string }>();
  const consumer = new EventConsumer(kafkaFromEnv("bench-scale-completions"), {
    groupId: `${namespace}bench-completions-${randomBytes(4).toString("hex")}`,
    topics: ["exportCompleted"],
    namespace,
    handler: (envelope) => {
      if (!seen.has(envelope.value.requestId))
        seen.set(envelope.value.requestId, { at: Date.now(), status: envelope.value.status });
    },
  });
  await consumer.start();
  return { seen, stop: () => consumer.stop() };
}
