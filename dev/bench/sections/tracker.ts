import { randomBytes } from "node:crypto";
import pg from "pg";
import { topics } from "@data-exporter/contracts";
import { demoScales } from "@data-exporter/demo-data";
import { startDeployment, type TestDeployment } from "../../harness/deployment.js";
import { kafkaFromEnv, topicEventCount } from "../../harness/topics.js";
import { describe, figure, round } from "../figures.js";
import type { BenchContext, BenchSection, SectionReport } from "../section.js";
import { committedEvents, drainRate, type DrainRate, type DrainSample } from "../tracker/drain-rate.js";
import { defaultMixShape, mixEvents, planMix, sequentialUuid, type MixPlan } from "../tracker/lifecycle-mix.js";
import { deleteTopics, publishMix } from "../tracker/publish-mix.js";

const TARGET_EVENTS_PER_S = 20_000;
const GROUP = "data-exporter.status-tracker";
const TRACKED = ["exportRequested", "exportLifecycle"] as const;
/** How often the group's committed offsets are read while it drains. */
const SAMPLE_MS = 200;

/** What one run measured, and what the read model held at its end. */
interface RunResult extends DrainRate {
  readonly readySeconds: number;
  readonly wallSeconds: number;
  readonly readModel: ReadModelCounts;
}

interface ReadModelCounts {
  readonly requests: number;
  readonly completedRequests: number;
  readonly announced: number;
  readonly completedTables: number;
  readonly attempts: number;
  readonly completionsPublished: number;
}

/**
 * The status tracker's throughput: a deployment's request and lifecycle topics are filled with a realistic mix
 * (exports of several tables, each started, heartbeating, some failing once and retried, completed), then the real
 * status-tracker starts and drains them. Events/s is counted from its first commit to its last (start-up and group
 * join excluded), and the run only counts if the read model then holds every export COMPLETED and announced.
 */
export const trackerSection: BenchSection = {
  name: "tracker",
  description: "status-tracker throughput draining lifecycle events",
  async run(context: BenchContext): Promise<SectionReport> {
    const target = Number(process.env.BENCH_TRACKER_EVENTS ?? (context.quick ? 10_000 : 1_000_000));
    const plan = planMix(target);
    const results: RunResult[] = [];
    for (let run = 1; run <= context.runs; run++) {
      context.log(`tracker run ${run}/${context.runs}: ${plan.events} events of ${plan.requests} exports`);
      results.push(await measureDrain(plan, context));
    }
    const rate = figure(
      results.map((r) => r.eventsPerSecond),
      "events/s",
      0,
    );
    const drain = figure(
      results.map((r) => r.drainSeconds),
      "s",
    );
    const ready = figure(
      results.map((r) => r.readySeconds),
      "s",
    );
    return {
      keys: { tracker_events_per_s: rate.median },
      figures: { tracker_events_per_s: rate, drain_s: drain, ready_s: ready },
      details: {
        events: plan.events,
        requests: plan.requests,
        mix: { ...defaultMixShape, ...plan },
        partitions: Object.fromEntries(TRACKED.map((key) => [key, topics[key].partitions])),
        measured: "from the first commit the group made to the last (start-up and group join excluded)",
        readModel: results.map((r) => r.readModel),
        wallSeconds: results.map((r) => round(r.wallSeconds)),
        batch:
          "runs of up to 500 events of one partition (kafkajs fetch batches, maxBatchSize 500): one read-model " +
          "transaction, one offset commit each; ExportCompleted published and marked one by one",
      },
      targets: [
        {
          key: "tracker_events_per_s",
          description: `≥ ${TARGET_EVENTS_PER_S} events/s`,
          met: rate.median >= TARGET_EVENTS_PER_S,
        },
      ],
      table: [
        ["tracker events", `${plan.events} (${plan.requests} exports × ${defaultMixShape.tablesPerRequest} tables)`],
        ["tracker throughput", describe(rate)],
        ["tracker drain", describe(drain)],
        ["tracker start-up to ready", describe(ready)],
      ],
    };
  },
};

async function measureDrain(plan: MixPlan, context: BenchContext): Promise<RunResult> {
  const prefix = randomBytes(4).toString("hex");
  let deployment: TestDeployment | undefined;
  let namespace: string | undefined;
  let watch: DrainWatch | undefined;
  let spawnedAt = 0;
  try {
    deployment = await startDeployment({
      label: "bench-tracker",
      seed: demoScales.tiny,
      services: ["status-tracker"],
      // What production logs (the harness's default is debug, one line per event).
      env: { LOG_LEVEL: "info" },
      nodeArgs: { "status-tracker": cpuProfileArgs() },
      beforeServices: async (provisioned) => {
        namespace = provisioned.names.topicNamespace;
        const started = Date.now();
        const ids = { requestId: (n: number) => sequentialUuid(prefix, n), startedAt: Date.now() };
        const written = await publishMix(namespace, mixEvents(plan, ids));
        if (written !== plan.events) throw new Error(`published ${written} events, the mix has ${plan.events}`);
        context.log(`published ${written} events in ${round((Date.now() - started) / 1000)} s; starting the tracker`);
        watch = await watchDrain(namespace, plan.events);
        spawnedAt = Date.now();
      },
    });
    const readySeconds = (Date.now() - spawnedAt) / 1000;
    if (!watch) throw new Error("the drain watch did not start");
    const samples = await watch.done;
    const wallSeconds = (samples.at(-1)!.at - spawnedAt) / 1000;
    const rate = drainRate(samples, plan.events);
    const readModel = await readModelCounts(deployment.names.statusSchema, deployment.names.topicNamespace);
    checkReadModel(readModel, plan);
    context.log(
      `drained ${plan.events} events in ${round(rate.drainSeconds)} s after the first commit: ` +
        `${Math.round(rate.eventsPerSecond)} events/s (ready after ${round(readySeconds)} s)`,
    );
    return { ...rate, readySeconds, wallSeconds, readModel };
  } finally {
    watch?.stop();
    await deployment?.stop();
    if (deployment) await dropSchema(deployment.names.statusSchema).catch(() => undefined);
    if (namespace) await deleteTopics(namespace).catch(() => undefined);
  }
}

/** BENCH_TRACKER_CPU_PROF=<dir>: the tracker writes a V8 CPU profile there when it stops (for `--cpu-prof`). */
function cpuProfileArgs(): string[] {
  const dir = process.env.BENCH_TRACKER_CPU_PROF;
  return dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : [];
}

interface DrainWatch {
  readonly done: Promise<DrainSample[]>;
  stop(): void;
}

/** Samples the group's committed offsets on the tracked topics until they reach the topics' ends. */
async function watchDrain(namespace: string, total: number): Promise<DrainWatch> {
  const admin = kafkaFromEnv("bench-tracker-watch").admin();
  await admin.connect();
  const names = TRACKED.map((key) => `${namespace}${topics[key].name}`);
  const ends = new Map<string, number>();
  for (const topic of names)
    for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}/${p.partition}`, Number(p.high));
  const endTotal = [...ends.values()].reduce((a, b) => a + b, 0);
  if (endTotal !== total) throw new Error(`the topics hold ${endTotal} events, ${total} were published`);
  let stopped = false;
  const samples: DrainSample[] = [];
  const done = (async () => {
    try {
      // The whole run's deadline: at 100 events/s a million take under three hours.
      const deadline = Date.now() + Math.max(300_000, total * 10);
      while (!stopped && Date.now() < deadline) {
        const committed = new Map<string, number>();
        for (const topic of await admin.fetchOffsets({ groupId: `${namespace}${GROUP}`, topics: names }))
          for (const p of topic.partitions) committed.set(`${topic.topic}/${p.partition}`, Number(p.offset));
        const sample = { at: Date.now(), committed: committedEvents(ends, committed) };
        samples.push(sample);
        if (sample.committed >= total) return samples;
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      }
      throw new Error(`the tracker did not drain: ${samples.at(-1)?.committed ?? 0} of ${total} events committed`);
    } finally {
      await admin.disconnect();
    }
  })();
  // A failure before anyone awaits `done` (start-up failed) must not be an unhandled rejection.
  done.catch(() => undefined);
  return { done, stop: () => void (stopped = true) };
}

async function readModelCounts(schema: string, namespace: string): Promise<ReadModelCounts> {
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query<Omit<ReadModelCounts, "completionsPublished">>(
      `SELECT (SELECT count(*)::int FROM "${schema}".request_table) AS requests,
              (SELECT count(*) FILTER (WHERE status = 'COMPLETED')::int FROM "${schema}".request_table) AS "completedRequests",
              (SELECT count(*) FILTER (WHERE completion_published_at IS NOT NULL)::int FROM "${schema}".request_table) AS announced,
              (SELECT count(*) FILTER (WHERE status = 'COMPLETED')::int FROM "${schema}".table_export_job_statuses) AS "completedTables",
              (SELECT coalesce(sum(attempts), 0)::int FROM "${schema}".table_export_job_statuses) AS attempts`,
    );
    const counts = rows[0]!;
    return { ...counts, completionsPublished: await topicEventCount(namespace, "exportCompleted") };
  } finally {
    await db.end();
  }
}

/** A throughput over events the tracker skipped is worthless: every export must have ended as the mix says. */
function checkReadModel(counts: ReadModelCounts, plan: MixPlan): void {
  const expected: ReadModelCounts = {
    requests: plan.requests,
    completedRequests: plan.requests,
    announced: plan.requests,
    completedTables: plan.completedTables,
    attempts: plan.completedTables + plan.retriedTables,
    completionsPublished: plan.requests,
  };
  const wrong = (Object.keys(expected) as (keyof ReadModelCounts)[]).filter((k) => counts[k] !== expected[k]);
  if (wrong.length > 0)
    throw new Error(
      `the read model does not hold what was published: ${wrong.map((k) => `${k} ${counts[k]} ≠ ${expected[k]}`).join(", ")}`,
    );
}

async function dropSchema(schema: string): Promise<void> {
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await db.end();
  }
}
