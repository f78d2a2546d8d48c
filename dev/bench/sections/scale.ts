/**
 * Scale: many small on-demand exports at once through a full deployment (request-api, planner, unloader,
 * status-tracker, notifier on the test stack, tiny seed). Every request is sent as fast as request-api accepts it
 * (distinct short windows), then the run waits until each one reached a final state; it reports the time to drain,
 * what became of every request, the peak PostgreSQL and broker connections, and checks the outputs are real.
 * Heavy: one run, whatever BENCH_RUNS says (the details say so).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { demoScales } from "@data-exporter/demo-data";
import {
  firstDemoDay,
  requestData,
  requestStatus,
  startDeployment,
  type RequestStatusResult,
  type TestDeployment,
} from "../../harness/index.js";
import { isFinished } from "../../harness/graphql/client.js";
import { figure, round } from "../figures.js";
import { mapConcurrently } from "../scale/concurrency.js";
import { watchCompletions } from "../scale/completions.js";
import { summariseOutcomes, type RequestOutcome } from "../scale/outcomes.js";
import { sampleConnections, type ConnectionPeaks } from "../scale/samplers.js";
import { checkOutputs } from "../scale/output-check.js";
import { readRequestTimes, summariseStages, type StageSummary } from "../scale/stages.js";
import { distinctWindows } from "../scale/windows.js";
import type { BenchContext, BenchSection, SectionReport } from "../section.js";
import { repoRoot } from "../../stack/paths.js";

/** Requests in flight while submitting: enough to keep request-api busy, as many clients would. */
const SUBMIT_CONCURRENCY = 32;
/** Each export's window: ten minutes of the seed's traffic (the non-windowed tables are exported whole). */
const WINDOW_S = 600;

export const scaleSection: BenchSection = {
  name: "scale",
  description: "many concurrent small on-demand exports: all complete, time to drain, peak connections",
  run,
};

async function run(context: BenchContext): Promise<SectionReport> {
  const count = context.quick ? 20 : Number(process.env.BENCH_SCALE_EXPORTS ?? 1000);
  if (!Number.isInteger(count) || count < 1) throw new Error(`BENCH_SCALE_EXPORTS must be a positive integer`);
  // Generous: an export not finished by then is lost. Four small tables an export, unloaded two at a time by one
  // replica, take 2 to 3 s of drain each on a 2-core machine: the deadline allows several times that. A long
  // silence (no export finishing at all) means something is stuck, and ends the wait early.
  const deadlineMs = Math.max(context.quick ? 180_000 : 600_000, count * 20_000);
  const stallMs = (context.quick ? 60 : 600) * 1000;

  const deployment = await startDeployment({
    label: "benchscale",
    seed: demoScales.tiny,
    // Debug logs of thousands of exports would cost the services CPU and the bench memory.
    env: { LOG_LEVEL: "info" },
  });
  try {
    return await measure(context, deployment, count, deadlineMs, stallMs);
  } finally {
    await deployment.stop();
  }
}

async function measure(
  context: BenchContext,
  deployment: TestDeployment,
  count: number,
  deadlineMs: number,
  stallMs: number,
): Promise<SectionReport> {
  const [dayStart, dayEnd] = firstDemoDay(deployment);
  const windows = distinctWindows(dayStart, dayEnd, count, WINDOW_S);
  const kafkaPort = portOf((process.env.KAFKA_BROKERS ?? "").split(",")[0] ?? "");
  const postgresPort = Number(new URL(process.env.POSTGRES_ADMIN_URL ?? "").port || 5432);
  const clients = new Map(deployment.services.map((s) => [String(s.process.pid), s.name]));
  clients.set(String(process.pid), "bench");

  const completions = await watchCompletions(deployment.names.topicNamespace);
  const sampler = await sampleConnections({
    postgresAdminUrl: process.env.POSTGRES_ADMIN_URL ?? "",
    kafkaPort,
    postgresPort,
    clients,
    intervalMs: 250,
  });
  let peaks: ConnectionPeaks | undefined;
  try {
    context.log(`scale: submitting ${count} requestData (${SUBMIT_CONCURRENCY} in flight)`);
    const firstRequestAt = Date.now();
    const submitStart = performance.now();
    const submitted = await mapConcurrently(windows, SUBMIT_CONCURRENCY, ([start, end]) =>
      requestData(deployment.graphqlUrl, start, end),
    );
    const submitS = (performance.now() - submitStart) / 1000;
    const accepted = submitted.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const refused = submitted.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
    context.log(`scale: ${accepted.length} accepted, ${refused.length} refused in ${round(submitS, 1)} s`);

    await waitForCompletions(context, accepted, completions.seen, deadlineMs, stallMs);
    peaks = await sampler.stop();

    // The API's word is final: each request's status as requestStatus answers it now.
    const statuses = await mapConcurrently(accepted, 8, (id) => requestStatus(deployment.graphqlUrl, id));
    const outcomes: RequestOutcome[] = accepted.map((requestId, i) => {
      const result = statuses[i];
      return {
        requestId,
        status: result?.status === "fulfilled" ? result.value.status : `unanswered: ${String(result?.reason)}`,
        finishedAt: completions.seen.get(requestId)?.at,
      };
    });
    const summary = summariseOutcomes(firstRequestAt, outcomes);
    const answered = statuses.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const outputs = await checkOutputs(
      answered.filter((s: RequestStatusResult) => isFinished(s.status)),
      5,
    );
    const stages = summariseStages(
      await readRequestTimes(process.env.DATABASE_URL ?? "", deployment.names.statusSchema, accepted),
    );
    const lost = [...summary.lost, ...refused.map(() => "(refused at submit)")];
    if (lost.length > 0) context.log(`scale: lost ${lost.length}: ${summary.lost.join(", ")}`);
    // What the services said, kept for the diagnosis when anything went wrong.
    const logFile =
      lost.length > 0 || summary.failed > 0 || outputs.problems.length > 0 ? keepLogs(deployment.logs) : undefined;
    if (logFile !== undefined) context.log(`scale: the services' logs are in ${logFile}`);

    const completed = summary.completed;
    const failed = summary.failed + refused.length;
    const drainS = summary.drainS === null ? null : round(summary.drainS, 1);
    const peakPg = peaks.postgres.peakTotal;
    const peakKafka = peaks.kafka.peakTotal;
    return {
      keys: {
        concurrent_1000_completed: completed,
        concurrent_1000_drain_s: drainS,
        concurrent_1000_failed: failed,
        concurrent_1000_lost: summary.lost.length,
        concurrent_1000_peak_pg_connections: peakPg,
        concurrent_1000_peak_kafka_connections: peakKafka,
      },
      figures: {
        ...(drainS === null ? {} : { drain: figure([drainS], "s", 1) }),
        submit: figure([submitS], "s", 2),
        ...(drainS === null || drainS === 0 ? {} : { throughput: figure([completed / drainS], "exports/s", 2) }),
      },
      details: {
        exports: count,
        runs: 1,
        note: "one run whatever BENCH_RUNS says: the run takes minutes",
        windowSeconds: WINDOW_S,
        submitConcurrency: SUBMIT_CONCURRENCY,
        refused: refused.slice(0, 10),
        failedByStatus: summary.failedByStatus,
        lostRequestIds: summary.lost,
        postgresConnections: {
          measure: "pg_stat_activity: client backends per user@database, sampled every 250 ms",
          ...peaks.postgres,
        },
        postgresConnectionsByClient: peaks.postgresByClient,
        kafkaConnections: {
          measure: `ss: established TCP connections with source port ${kafkaPort} (the broker's side), sampled every 250 ms`,
          ...peaks.kafka,
        },
        kafkaConnectionsByClient: peaks.kafkaByClient,
        outputs,
        stages,
        ...(logFile === undefined ? {} : { logFile }),
      },
      targets: [
        {
          key: "concurrent_1000_completed",
          description: `all ${count} exports complete`,
          met: completed === count,
        },
        {
          key: "concurrent_1000_lost",
          description: "none lost",
          met: summary.lost.length === 0 && refused.length === 0,
        },
        {
          key: "outputs",
          description: "the sampled outputs are real (manifests match)",
          met: outputs.problems.length === 0,
        },
      ],
      table: [
        [`exports completed / failed / lost`, `${completed} / ${failed} / ${summary.lost.length} of ${count}`],
        ["time to drain (first request → last completion)", drainS === null ? "n/a" : `${drainS} s`],
        ["requests submitted in", `${round(submitS, 1)} s (${round(count / submitS, 0)} req/s)`],
        ["peak PostgreSQL connections", `${peakPg} (${describeParts(peaks.postgres.peakByPart)})`],
        ["  by client process (each one's peak)", describeParts(peaks.postgresByClient.peakByPart)],
        ["peak broker connections", `${peakKafka} (${describeParts(peaks.kafkaByClient.peakByPart)})`],
        ["where the time went", describeStages(stages)],
        [
          "outputs checked",
          `${outputs.requestsChecked} requests, ${outputs.manifestsChecked} manifests, ${outputs.problems.length} problems`,
        ],
      ],
    };
  } finally {
    if (peaks === undefined) await sampler.stop().catch(() => undefined);
    await completions.stop();
  }
}

function keepLogs(lines: readonly string[]): string {
  const file = join(repoRoot, ".local", "bench", `scale-${new Date().toISOString().replace(/[:.]/g, "")}.log`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

function describeStages(stages: StageSummary): string {
  const unload = stages.tableUnloadS;
  const planning = stages.planningS;
  return [
    `${stages.peakConcurrentUnloads} unloads at once at most`,
    unload === null ? "no unloads" : `a table's unload p50 ${unload.p50} s, p95 ${unload.p95} s`,
    stages.tablesPerS === null ? "" : `${stages.tablesPerS} tables/s`,
    planning === null ? "" : `planned p50 ${planning.p50} s, p95 ${planning.p95} s after the request`,
  ]
    .filter((part) => part !== "")
    .join("; ");
}

function portOf(hostPort: string): number {
  const port = Number(/:(\d+)$/.exec(hostPort)?.[1]);
  if (!Number.isInteger(port)) throw new Error(`no port in KAFKA_BROKERS (${hostPort})`);
  return port;
}

function describeParts(parts: Readonly<Record<string, number>>): string {
  return Object.entries(parts)
    .map(([part, n]) => `${part} ${n}`)
    .join(", ");
}

/** Until every accepted request's ExportCompleted arrived, the deadline passed, or nothing finished for stallMs. */
async function waitForCompletions(
  context: BenchContext,
  accepted: readonly string[],
  seen: ReadonlyMap<string, unknown>,
  deadlineMs: number,
  stallMs: number,
): Promise<void> {
  const start = Date.now();
  let lastCount = -1;
  let lastProgressAt = start;
  let lastLogAt = 0;
  for (;;) {
    const done = accepted.filter((id) => seen.has(id)).length;
    const now = Date.now();
    if (done !== lastCount) {
      lastCount = done;
      lastProgressAt = now;
    }
    if (now - lastLogAt >= 10_000 || done === accepted.length) {
      context.log(`scale: ${done}/${accepted.length} finished after ${round((now - start) / 1000, 0)} s`);
      lastLogAt = now;
    }
    if (done === accepted.length) return;
    if (now - start > deadlineMs || now - lastProgressAt > stallMs) {
      context.log(
        `scale: giving up waiting (${done}/${accepted.length}; no progress for ${round((now - lastProgressAt) / 1000, 0)} s)`,
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
