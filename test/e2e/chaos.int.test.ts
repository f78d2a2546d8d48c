import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import {
  defaultReplicas,
  defaultTiming,
  defaultTunables,
  describePlan,
  formatRun,
  planRun,
  prepareWarehouse,
  processFaults,
  runCampaign,
  stackFromEnv,
  type CampaignResult,
  type PlanOptions,
} from "../../dev/harness/index.js";

/**
 * A short chaos campaign (npm run chaos, dev/harness/chaos): one run of four exports, two scheduled and two on
 * demand, against two replicas of each consuming service and request-api, while one process is killed with
 * SIGKILL and another frozen with SIGSTOP for longer than STUCK_AFTER_MS. Then every export must be finished,
 * each COMPLETED table's files must hold exactly the warehouse rows of its window, no object may sit in the bucket
 * without a COMPLETED table's manifest listing it, and each export must be announced once on export-completed and
 * once on SNS.
 *
 * Only process faults: jest may run other integration files beside this one on the same broker and database, so
 * restarting Kafka or PostgreSQL (what `npm run chaos` does too) would break them.
 */
const SEED = 39;

let result: CampaignResult | undefined;
const progress: string[] = [];

afterAll(() => {
  // Where to look when it fails: the run's folder holds its plan, timeline, every service's log and the findings.
  if (result?.runs[0]) process.stderr.write(`chaos run logs: ${result.runs[0].logDir}\n`);
});

describe("a short chaos campaign (seed 39: a status tracker killed, an unloader frozen)", () => {
  it("finishes every export with exactly its rows, no stray object and one announcement each", async () => {
    const { endpoints, env } = stackFromEnv();
    const options: PlanOptions = {
      seed: SEED,
      runs: 1,
      concurrency: 4,
      data: await prepareWarehouse(endpoints),
      replicas: defaultReplicas,
      faultKinds: processFaults,
      faultsPerRun: 2,
      // Compressed: four exports take a few seconds, so they are submitted at once and the faults follow within
      // seconds, while their tables are being unloaded.
      timing: {
        ...defaultTiming(defaultTunables),
        submitSpreadMs: 2_000,
        faultStartMs: 1_500,
        faultEndMs: 6_000,
        minFaultGapMs: 2_000,
      },
    };
    expect(describePlan(planRun(options, 1)).filter((line) => !/ e0\d /.test(line))).toEqual([
      "+2.1s kill -9 status-tracker#1",
      "+4.7s SIGSTOP unloader#1 for 17.2s",
    ]);
    result = await runCampaign(
      options,
      {
        endpoints,
        stackEnv: env,
        stack: undefined,
        tunables: defaultTunables,
        logRoot: join(process.cwd(), ".local", "chaos", "e2e"),
        settleTimeoutMs: 120_000,
        echo: (line) => void progress.push(line),
      },
      [1],
    );
    const run = result.runs[0];
    if (!run) throw new Error("the campaign carried out no run");
    const report = [...formatRun(run, 1), "--- timeline ---", ...progress.slice(-40)].join("\n");

    // The run's own summary is the useful failure message: what happened, each violation, the last timeline lines.
    if (run.violations.length > 0 || run.error !== undefined) throw new Error(report);
    expect(run.faults.kills).toEqual({ "status-tracker": 1 });
    expect(run.faults.stops).toEqual({ unloader: 1 });
    expect(run.submissions.accepted).toBe(4);
    expect(run.exports.unfinished).toBe(0);
    expect(run.exports.completed + run.exports.failed + run.exports.partial).toBe(run.requests);
    expect(run.restarts["status-tracker"]).toBeGreaterThanOrEqual(1);
  }, 300_000);
});
