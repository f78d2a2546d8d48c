/**
 * Submits a run's planned exports at their offsets, as clients would through the faults: on demand through
 * request-api's requestData, scheduled through the planner's trigger (what the CronJob runs). A failed submission is
 * retried with backoff. An on-demand retry asks for a window one second shorter each time: a call whose answer was
 * lost may still have been accepted, and that request must not share the retry's output prefix. A trigger is
 * retried as it is: the planner exports a date once, however often it is triggered.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { requestData } from "../graphql/client.js";
import { runTrigger } from "../trigger.js";
import type { SubmissionRecord } from "./checks.js";
import type { PlannedExport } from "./plan.js";
import type { Timeline } from "./timeline.js";

export interface WorkloadContext {
  readonly graphqlUrl: string;
  /** The deployment's environment, for the trigger process. */
  readonly env: Readonly<Record<string, string>>;
  readonly timeline: Timeline;
  readonly maxAttempts?: number;
  /** Trigger processes running at once (each is a Node process with tsx: heavy on a small machine). */
  readonly triggerParallelism?: number;
  readonly signal?: AbortSignal;
}

/** Submits every export at its offset from the timeline's origin; resolves when each was accepted or gave up. */
export async function runWorkload(
  exports: readonly PlannedExport[],
  ctx: WorkloadContext,
): Promise<SubmissionRecord[]> {
  const triggers = semaphore(ctx.triggerParallelism ?? 2);
  return Promise.all(
    exports.map(async (planned) => {
      const wait = planned.submitAtMs - ctx.timeline.elapsedMs;
      if (wait > 0) await sleep(wait, undefined, ctx.signal ? { signal: ctx.signal } : {}).catch(() => undefined);
      return planned.kind === "on-demand"
        ? submitOnDemand(planned, ctx)
        : triggers(() => submitScheduled(planned, ctx));
    }),
  );
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const backoff = (attempt: number): number => Math.min(1_000 * 2 ** (attempt - 1), 8_000);

async function submitOnDemand(
  planned: Extract<PlannedExport, { kind: "on-demand" }>,
  ctx: WorkloadContext,
): Promise<SubmissionRecord> {
  const errors: string[] = [];
  const maxAttempts = ctx.maxAttempts ?? 10;
  for (let attempt = 1; attempt <= maxAttempts && !ctx.signal?.aborted; attempt++) {
    const endTime = planned.endTime - (attempt - 1);
    try {
      const requestId = await requestData(ctx.graphqlUrl, planned.startTime, endTime, {
        force: true,
        signal: AbortSignal.timeout(10_000),
      });
      ctx.timeline.log(`${planned.id} requestData accepted: ${requestId}${attempt > 1 ? ` (attempt ${attempt})` : ""}`);
      return { export: planned, requestIds: [requestId], attempts: attempt, errors, accepted: true };
    } catch (error) {
      errors.push(`attempt ${attempt}: ${message(error)}`);
      ctx.timeline.log(`${planned.id} requestData attempt ${attempt} failed: ${message(error).slice(0, 200)}`);
      if (attempt < maxAttempts) await sleep(backoff(attempt));
    }
  }
  return { export: planned, requestIds: [], attempts: errors.length, errors, accepted: false };
}

async function submitScheduled(
  planned: Extract<PlannedExport, { kind: "scheduled" }>,
  ctx: WorkloadContext,
): Promise<SubmissionRecord> {
  const errors: string[] = [];
  const requestIds: string[] = [];
  const maxAttempts = ctx.maxAttempts ?? 10;
  for (let attempt = 1; attempt <= maxAttempts && !ctx.signal?.aborted; attempt++) {
    try {
      const run = await runTrigger(["--date", planned.exportDate], { ...ctx.env, LOG_LEVEL: "warn" });
      requestIds.push(...run.triggered.map((t) => t.requestId));
      if (run.code === 0 && run.triggered.length > 0) {
        ctx.timeline.log(`${planned.id} trigger of ${planned.exportDate} published ${run.triggered[0]?.requestId}`);
        return { export: planned, requestIds, attempts: attempt, errors, accepted: true };
      }
      const last = run.stderr.trim().split("\n").at(-1) ?? "";
      errors.push(`attempt ${attempt}: exit ${run.code}: ${last.slice(0, 300)}`);
    } catch (error) {
      errors.push(`attempt ${attempt}: ${message(error)}`);
    }
    ctx.timeline.log(`${planned.id} trigger attempt ${attempt} failed: ${errors.at(-1)?.slice(0, 200) ?? ""}`);
    if (attempt < maxAttempts) await sleep(backoff(attempt));
  }
  return { export: planned, requestIds, attempts: errors.length, errors, accepted: false };
}

/** Runs at most `limit` tasks at once. */
function semaphore(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    while (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
