/**
 * Carries out a campaign's plan against real processes: per run, its own deployment namespace on the shared stack
 * (topics, status schema, bucket, configuration tables, SNS topic and inbox; the warehouse is shared and read-only),
 * two replicas of each consuming service kept running by the supervisor, the exports submitted and the faults
 * injected at their offsets, then (once quiet) everything read back and checked. Each run writes its plan,
 * timeline, service logs and report to its own folder.
 */
import { actAsGateway } from "../graphql/client.js";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { seedWarehouse } from "@data-exporter/demo-data";
import { S3ObjectStore } from "@data-exporter/object-store";
import pg from "pg";
import type { StackEndpoints } from "../../stack/stack.js";
import { uniqueNames } from "../deployment.js";
import type { ProbePolicy } from "../liveness.js";
import { NotificationInbox } from "../notifications.js";
import { provisionDeployment } from "../provision.js";
import { checkRun, type RunObservation, type Violation } from "./checks.js";
import { emptyFaultTally, runFaults, type FaultTally, type StackControl } from "./faults.js";
import { Fleet } from "./fleet.js";
import { observeRun, WarehouseOracle } from "./observe.js";
import { dataSpanOf, describePlan, planRun, type DataSpan, type PlanOptions, type RunPlan } from "./plan.js";
import { summarizeRun, totalsOf, type CampaignTotals, type RunResult } from "./report.js";
import { chaosSeedParams, chaosServiceEnv, chaosWarehouseSchema, type ChaosTunables } from "./settings.js";
import { settle } from "./settle.js";
import { Timeline } from "./timeline.js";
import { runWorkload } from "./workload.js";

export interface CampaignSetup {
  readonly endpoints: StackEndpoints;
  /** The stack's variables every service gets (stackEnv). */
  readonly stackEnv: Readonly<Record<string, string>>;
  /** Restarts Kafka and PostgreSQL; undefined when the stack is not ours (then only process faults). */
  readonly stack: StackControl | undefined;
  readonly tunables: ChaosTunables;
  readonly probes?: ProbePolicy | null;
  /** Where each run's folder goes (.local/chaos). */
  readonly logRoot: string;
  /** How long a run may take to go quiet after its last fault. */
  readonly settleTimeoutMs: number;
  /** Progress lines (the runs' timelines). */
  readonly echo?: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface CampaignResult {
  readonly seed: number;
  readonly options: Omit<PlanOptions, "data">;
  readonly runs: readonly RunResult[];
  readonly totals: CampaignTotals;
}

/**
 * Seeds the shared warehouse (once; later campaigns reuse it) and returns the span of data the plans draw from.
 */
export async function prepareWarehouse(endpoints: StackEndpoints): Promise<DataSpan> {
  const pool = new pg.Pool({ connectionString: endpoints.warehouseUrl, max: 1 });
  try {
    return dataSpanOf(await seedWarehouse(pool, { ...chaosSeedParams, schema: chaosWarehouseSchema }));
  } finally {
    await pool.end();
  }
}

/** Runs `runs` (1-based numbers) of the campaign one after the other; `onRun` hears each result as it comes. */
export async function runCampaign(
  options: PlanOptions,
  setup: CampaignSetup,
  runs: readonly number[],
  onRun?: (result: RunResult) => void,
): Promise<CampaignResult> {
  const results: RunResult[] = [];
  const shared: Shared = {
    state: new pg.Pool({ connectionString: setup.endpoints.databaseUrl, max: 3 }),
    warehouse: new pg.Pool({ connectionString: setup.endpoints.warehouseUrl, max: 2 }),
  };
  // PostgreSQL restarts end these pools' connections: an idle client's error must not crash the campaign.
  for (const pool of [shared.state, shared.warehouse]) pool.on("error", () => undefined);
  try {
    for (const run of runs) {
      if (setup.signal?.aborted) break;
      const result = await runOne(planRun(options, run), options, setup, shared);
      results.push(result);
      onRun?.(result);
    }
  } finally {
    await Promise.all([shared.state.end(), shared.warehouse.end()]);
  }
  const { seed, runs: count, concurrency, replicas, faultKinds, faultsPerRun, timing } = options;
  return {
    seed,
    options: { seed, runs: count, concurrency, replicas, faultKinds, faultsPerRun, timing },
    runs: results,
    totals: totalsOf(results),
  };
}

/** What the runs of a campaign share: database pools, and the oracle's digests (the warehouse does not change). */
interface Shared {
  readonly state: pg.Pool;
  readonly warehouse: pg.Pool;
  oracle?: WarehouseOracle;
}

async function runOne(plan: RunPlan, options: PlanOptions, setup: CampaignSetup, shared: Shared): Promise<RunResult> {
  const began = Date.now();
  const tag = `s${options.seed}-r${String(plan.run).padStart(2, "0")}`;
  const logDir = join(setup.logRoot, tag);
  // A replay of the same run (same seed and number) gets a fresh folder; the earlier one is kept beside it.
  if (existsSync(logDir)) renameSync(logDir, `${logDir}.before-${new Date().toISOString().replace(/[:.]/g, "")}`);
  mkdirSync(logDir, { recursive: true });
  const timeline = new Timeline(
    join(logDir, "timeline.log"),
    setup.echo && ((line) => setup.echo?.(`[${tag}] ${line}`)),
  );
  writeFileSync(join(logDir, "plan.json"), `${JSON.stringify(plan, null, 2)}\n`);
  for (const line of describePlan(plan)) timeline.log(`plan ${line}`);

  const names = { ...uniqueNames(`c${plan.run}`), warehouseSchema: chaosWarehouseSchema };
  const deployment = { topicNamespace: names.topicNamespace, bucket: names.bucket, statusSchema: names.statusSchema };
  timeline.log(`deployment: topics ${names.topicNamespace}*, bucket ${names.bucket}, schema ${names.statusSchema}`);
  let fleet: Fleet | undefined;
  let faults: FaultTally = emptyFaultTally();
  let inbox: NotificationInbox | undefined;
  const failed = (error: unknown, observation?: RunObservation): RunResult => {
    const message = error instanceof Error ? error.message : String(error);
    timeline.log(`run failed: ${message}`);
    const violations: Violation[] = [{ kind: "run-failed", message }];
    return {
      ...summarizeRun({
        plan,
        logDir,
        durationMs: Date.now() - began,
        deployment,
        observation: observation ?? emptyObservation(),
        violations,
        faults,
        restarts: fleet?.restarts ?? {},
        crashes: fleet?.crashes ?? {},
        probeRestarts: fleet?.probeRestarts ?? {},
        crashReports: fleet?.crashReports ?? [],
      }),
      error: message,
    };
  };
  try {
    const provisioned = await provisionDeployment(setup.endpoints, names, chaosSeedParams, setup.stackEnv);
    const env = { ...provisioned.serviceEnv, ...chaosServiceEnv(setup.tunables) };
    // Every deployment gets provisionDeployment's HASH_KEY: the oracle hashes with it.
    const oracle = (shared.oracle ??= new WarehouseOracle(shared.warehouse, chaosWarehouseSchema, env.HASH_KEY ?? ""));
    const aws = { region: setup.endpoints.awsRegion, endpoint: setup.endpoints.awsEndpointUrl };
    inbox = new NotificationInbox(provisioned.notificationQueueUrl, aws);
    fleet = await Fleet.start({
      env,
      replicas: options.replicas,
      logDir,
      timeline,
      ...(setup.probes === undefined ? {} : { probes: setup.probes }),
    });
    timeline.log(`fleet ready in ${((Date.now() - began) / 1000).toFixed(1)} s: ${fleet.labels.join(", ")}`);
    // The workload calls request-api as the gateway would (signed, as the operator).
    actAsGateway(fleet.graphqlUrl, env.GATEWAY_HMAC_SECRET ?? "");

    timeline.restart();
    const signal = setup.signal;
    const [submissions, tally] = await Promise.all([
      runWorkload(plan.exports, { graphqlUrl: fleet.graphqlUrl, env, timeline, ...(signal ? { signal } : {}) }),
      runFaults(plan.faults, { fleet, stack: setup.stack, timeline, ...(signal ? { signal } : {}) }),
    ]);
    faults = tally;
    timeline.log("workload submitted and every fault done; waiting for the run to go quiet");
    const settled = await settle({
      graphqlUrl: fleet.graphqlUrl,
      topicNamespace: names.topicNamespace,
      statusSchema: names.statusSchema,
      state: shared.state,
      fleet,
      submissions,
      timeline,
      timeoutMs: setup.settleTimeoutMs,
      ...(signal ? { signal } : {}),
    });
    timeline.log(settled.settled ? "quiet; reading everything back" : "not quiet by the timeout; reading back anyway");
    const observation = await observeRun({
      plan,
      submissions,
      graphqlUrl: fleet.graphqlUrl,
      topicNamespace: names.topicNamespace,
      statusSchema: names.statusSchema,
      state: shared.state,
      store: S3ObjectStore.fromConfig({ bucket: names.bucket, ...aws, forcePathStyle: true }),
      inbox,
      oracle,
      settle: settled,
    });
    writeFileSync(
      join(logDir, "observation.json"),
      `${JSON.stringify(observation, (key, value: unknown) => (key === "keys" ? undefined : value), 2)}\n`,
    );
    const violations = checkRun(observation);
    for (const v of violations)
      timeline.log(`VIOLATION ${v.kind} ${v.exportId ?? ""} ${v.requestId ?? ""}: ${v.message}`);
    const result = summarizeRun({
      plan,
      logDir,
      durationMs: Date.now() - began,
      deployment,
      observation,
      violations,
      faults,
      restarts: fleet.restarts,
      crashes: fleet.crashes,
      probeRestarts: fleet.probeRestarts,
      crashReports: fleet.crashReports,
    });
    writeFileSync(join(logDir, "report.json"), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } catch (error) {
    const result = failed(error);
    writeFileSync(join(logDir, "report.json"), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    inbox?.close();
    await fleet?.stop();
    timeline.log("services stopped");
  }
}

function emptyObservation(): RunObservation {
  return {
    submissions: [],
    requests: [],
    objects: [],
    completedEvents: [],
    notifications: [],
    deadLetters: [],
    settle: { settled: false, pending: [] },
  };
}
