import { exportRequestsQuery, UNKNOWN_REQUEST, type ExportRequestsPage } from "../api/operations.js";
import type { RunEntryPoint } from "../entry-point-runner.js";
import { exitCodeOfStatus, exitCodes, isTerminal, type ExitCode } from "../exit-codes.js";
import { json } from "../output.js";
import { renderStatus } from "../render/progress.js";
import { entryPoints } from "../repository.js";
import type { CommandContext } from "./context.js";
import { fetchStatus } from "./fetch-status.js";
import { exitCodeOfEntryPoint, parseTriggered, triggerArgv, type TriggerArgs, type Triggered } from "./trigger-args.js";

export interface TriggerDeps {
  readonly runEntryPoint: RunEntryPoint;
  /** The environment the trigger reads (KAFKA_BROKERS, TOPIC_NAMESPACE, TRIGGERED_BY, LOG_LEVEL). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface TriggerOptions extends TriggerArgs {
  /** Follow each export through the API until it finished. */
  readonly wait: boolean;
  readonly intervalMs: number;
  /** How long a triggered request may stay unknown before we ask who owns its date. */
  readonly unknownGraceMs: number;
}

type Outcome =
  | { readonly requestId: string; readonly exportDate: string; readonly status: string; readonly progress: number }
  | {
      readonly requestId: string;
      readonly exportDate: string;
      readonly status: "Not Planned";
      readonly owner?: string;
    };

/**
 * Runs the planner's trigger entry point (what the daily CronJob runs) and, unless --no-wait, follows every export it
 * published through the API. Exit code: 1 if an export did not complete, 3 if Kafka or the API cannot be reached.
 */
export async function triggerExport(
  ctx: CommandContext,
  deps: TriggerDeps,
  options: TriggerOptions,
): Promise<ExitCode> {
  const run = await deps.runEntryPoint(entryPoints.trigger, triggerArgv(options), {
    env: { ...deps.env, LOG_LEVEL: deps.env["LOG_LEVEL"] ?? "warn" },
    captureStdout: true,
  });
  const triggered = parseTriggered(run.stdout);
  if (run.code !== 0) {
    if (run.code === 1) ctx.output.err("trigger: could not publish to Kafka (KAFKA_BROKERS); see the log above");
    if (ctx.json) json(ctx.output, { triggered, exports: [] });
    return exitCodeOfEntryPoint(run.code);
  }
  if (!ctx.json) for (const t of triggered) ctx.output.err(`triggered ${t.exportDate} as ${t.requestId}`);
  const outcomes: Outcome[] = [];
  if (options.wait) for (const t of triggered) outcomes.push(await follow(ctx, t, options));
  if (ctx.json) json(ctx.output, { triggered, exports: outcomes });
  else if (!options.wait) for (const t of triggered) ctx.output.out(t.requestId);
  const failed = outcomes.some((o) => o.status !== "Not Planned" && exitCodeOfStatus(o.status) !== exitCodes.ok);
  return failed ? exitCodes.failed : exitCodes.ok;
}

async function follow(ctx: CommandContext, triggered: Triggered, options: TriggerOptions): Promise<Outcome> {
  const { requestId, exportDate } = triggered;
  const began = ctx.now();
  let lastProgress = -1;
  for (;;) {
    const status = await fetchStatus(ctx.api, requestId);
    if (isTerminal(status.status)) {
      if (!ctx.json) ctx.output.out(renderStatus(status).join("\n"));
      return { requestId, exportDate, status: status.status, progress: status.progress };
    }
    if (status.status === UNKNOWN_REQUEST && ctx.now() - began >= options.unknownGraceMs) {
      // Without --force the planner never exports a date twice: the trigger was a no-op if another request owns it.
      const owner = triggered.force ? undefined : await ownerOf(ctx, exportDate, requestId);
      if (!ctx.json) {
        ctx.output.err(
          owner === undefined
            ? `${requestId}: not planned yet; is the planner running?`
            : `${requestId}: nothing to do, ${exportDate} was already exported (or is being exported) by ${owner}; ` +
                "add --force to export it again",
        );
      }
      return { requestId, exportDate, status: "Not Planned", ...(owner === undefined ? {} : { owner }) };
    }
    if (status.status !== UNKNOWN_REQUEST && status.progress !== lastProgress && !ctx.json) {
      lastProgress = status.progress;
      ctx.output.err(`${requestId}: ${status.status} (${Math.round(status.progress)}%)`);
    }
    await ctx.sleep(options.intervalMs);
  }
}

/** The scheduled export that owns a date, as the API lists it (only an exporter-admin sees scheduled exports). */
async function ownerOf(ctx: CommandContext, exportDate: string, requestId: string): Promise<string | undefined> {
  const page = await ctx.api.call<ExportRequestsPage>(exportRequestsQuery, {
    filter: { mode: "SCHEDULED" },
    first: 100,
    after: null,
  });
  return page.exportRequests.edges.find((e) => e.node.exportDate === exportDate && e.node.id !== requestId)?.node.id;
}
