/**
 * Waits until a run has gone quiet: every request it knows is finished (requestStatus), every consumer group has
 * handled everything on its topics, and no replica has work in flight (a frozen run resumed after its table was
 * redone may still be writing). Quiet twice in a row, a few seconds apart, or the timeout.
 */
import type { TopicKey } from "@data-exporter/contracts";
import type pg from "pg";
import { isFinished } from "../graphql/client.js";
import { committedOffsets, topicEnds } from "../topics.js";
import type { SubmissionRecord } from "./checks.js";
import type { Fleet } from "./fleet.js";
import { knownRequestIds, statusOf } from "./observe.js";
import type { Timeline } from "./timeline.js";

/** Each consumer group of the services and the topics it consumes (names as in services/<name>/src/main.ts). */
export const consumerGroups: readonly { readonly group: string; readonly topic: TopicKey }[] = [
  { group: "data-exporter.planner", topic: "exportRequested" },
  { group: "data-exporter.planner.scheduled", topic: "dailyExportTriggered" },
  { group: "data-exporter.unloader", topic: "unloadCommands" },
  { group: "data-exporter.unloader.cancellations", topic: "exportRequested" },
  { group: "data-exporter.status-tracker", topic: "exportRequested" },
  { group: "data-exporter.status-tracker", topic: "dailyExportTriggered" },
  { group: "data-exporter.status-tracker", topic: "exportLifecycle" },
  { group: "data-exporter.notifier", topic: "exportCompleted" },
  { group: "data-exporter.catalog-registrar", topic: "exportCompleted" },
];

export interface SettleContext {
  readonly graphqlUrl: string;
  readonly topicNamespace: string;
  readonly statusSchema: string;
  readonly state: pg.Pool;
  readonly fleet: Fleet;
  readonly submissions: readonly SubmissionRecord[];
  readonly timeline: Timeline;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export async function settle(ctx: SettleContext): Promise<{ settled: boolean; pending: string[] }> {
  const deadline = Date.now() + ctx.timeoutMs;
  const finished = new Set<string>();
  let quietRounds = 0;
  let pending: string[] = [];
  let reported = "";
  while (!ctx.signal?.aborted) {
    pending = await pendingWork(ctx, finished).catch((error: unknown) => [
      `could not look: ${error instanceof Error ? error.message : String(error)}`,
    ]);
    quietRounds = pending.length === 0 ? quietRounds + 1 : 0;
    if (quietRounds >= 2) return { settled: true, pending: [] };
    const summary = pending.slice(0, 6).join("; ");
    if (summary !== reported && pending.length > 0) {
      ctx.timeline.log(`waiting for ${pending.length} thing(s): ${summary}`);
      reported = summary;
    }
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  return { settled: false, pending };
}

async function pendingWork(ctx: SettleContext, finished: Set<string>): Promise<string[]> {
  const pending: string[] = [];
  for (const requestId of await knownRequestIds(ctx.state, ctx.statusSchema, ctx.submissions)) {
    if (finished.has(requestId)) continue;
    const { status, error } = await statusOf(ctx.graphqlUrl, requestId, 1);
    if (status !== undefined && isFinished(status.status)) finished.add(requestId);
    else pending.push(`${requestId.slice(0, 8)} ${status ? `${status.status} ${status.progress}%` : `(${error})`}`);
  }
  for (const { group, topic } of consumerGroups) {
    const ends = await topicEnds(ctx.topicNamespace, topic);
    const committed = await committedOffsets(ctx.topicNamespace, group, topic);
    // -1: nothing committed on that partition yet.
    const lag = [...ends].reduce(
      (sum, [partition, end]) => sum + Math.max(0, end - Math.max(0, committed.get(partition) ?? 0)),
      0,
    );
    if (lag > 0) pending.push(`${group} has ${lag} unhandled on ${topic}`);
  }
  pending.push(...(await ctx.fleet.busy()));
  return pending;
}
