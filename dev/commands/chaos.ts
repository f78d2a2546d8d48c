/**
 * npm run chaos -- --runs N --concurrency C --seed S: the chaos campaign. Starts (or reuses) the test stack on its
 * ports (STACK_*_PORT honoured, as npm test does), then per run a deployment of its own with two replicas of each
 * consuming service and request-api, submits C exports, kills, freezes and restarts things at seeded moments, and
 * checks what was left behind (harness/chaos). Prints each run and the totals; --json prints the result as JSON.
 * Each run's plan, timeline, service logs and findings go to .local/chaos/s<seed>-r<run>/.
 */
import { randomInt } from "node:crypto";
import { setMaxListeners } from "node:events";
import { join } from "node:path";
import { chaosUsage, parseChaosArgs } from "../harness/chaos/args.js";
import type { Component, StackControl } from "../harness/chaos/faults.js";
import { PlanError, validatePlanOptions, type PlanOptions } from "../harness/chaos/plan.js";
import { formatRun, formatTotals } from "../harness/chaos/report.js";
import { prepareWarehouse, runCampaign } from "../harness/chaos/runner.js";
import {
  allFaults,
  defaultReplicas,
  defaultTiming,
  defaultTunables,
  processFaults,
} from "../harness/chaos/settings.js";
import { repoRoot } from "../stack/paths.js";
import { ensureStack, StackError, stackEnv, stopStack, useStack, type ComponentName } from "../stack/stack.js";

const say = (message: string): void => void process.stderr.write(`[chaos] ${message}\n`);
/** The variables that point services at a stack; set, they make that component external (never restarted). */
const endpointVariables = [
  "KAFKA_BROKERS",
  "DATABASE_URL",
  "WAREHOUSE_URL",
  "POSTGRES_ADMIN_URL",
  "AWS_ENDPOINT_URL",
  "DUCKDB_POSTGRES_EXTENSION",
];

async function main(): Promise<number> {
  const parsed = parseChaosArgs(process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--")));
  if (!parsed.ok) {
    for (const error of parsed.errors) process.stderr.write(`chaos: ${error}\n`);
    process.stderr.write(`${chaosUsage}\n`);
    return 2;
  }
  const args = parsed.args;
  if (args.help) {
    process.stdout.write(`${chaosUsage}\n`);
    return 0;
  }
  const seed = args.seed ?? randomInt(0, 2 ** 31);
  const infraFaults = args.faults === "all";

  // The environment the stack is provisioned (and its components restarted) with: ports, never endpoints, so
  // Kafka and PostgreSQL are ours to restart by their recorded pid.
  const provisioningEnv: NodeJS.ProcessEnv = { ...process.env };
  const external = endpointVariables.filter((name) => (process.env[name] ?? "") !== "");
  if (infraFaults && external.length > 0) {
    say(`${external.join(", ")} set: that stack is not ours to restart; unset them, or run with --faults process`);
    return 2;
  }
  const users = useStack("test");
  const interrupted = new AbortController();
  // Every pending submission and fault waits on it.
  setMaxListeners(1000, interrupted.signal);
  const abort = (): void => {
    if (interrupted.signal.aborted) return;
    say("interrupted: stopping the current run (resuming what is frozen, starting what is down)");
    interrupted.abort();
  };
  process.on("SIGINT", abort);
  process.on("SIGTERM", abort);
  let started: ComponentName[] = [];
  try {
    const stack = await ensureStack("test", {
      log: (m) => say(`stack: ${m}`),
      signal: interrupted.signal,
      env: provisioningEnv,
    });
    started = stack.started;
    say(
      `stack: kafka ${stack.endpoints.kafkaBrokers}, postgres ${stack.endpoints.databaseUrl.replace(/\/[^/]*$/, "")}, ` +
        `moto ${stack.endpoints.awsEndpointUrl}`,
    );
    const others = users.otherUsers();
    if (infraFaults && others.length > 0) {
      say(
        `the test stack on these ports is also used by pid ${others.join(", ")} (npm test?): restarting Kafka or ` +
          `PostgreSQL would disturb it. Use other STACK_*_PORT values, or --faults process`,
      );
      return 2;
    }
    const env = stackEnv(stack.endpoints);
    // The harness's readers (topics, event recorder) find the stack through the environment.
    Object.assign(process.env, env);

    const options: PlanOptions = {
      seed,
      runs: args.runs,
      concurrency: args.concurrency,
      data: await prepareWarehouse(stack.endpoints),
      replicas: defaultReplicas,
      faultKinds: infraFaults ? allFaults : processFaults,
      faultsPerRun: args.faultsPerRun,
      timing: defaultTiming(defaultTunables),
    };
    validatePlanOptions(options);
    const control: StackControl | undefined = infraFaults
      ? {
          stop: async (component: Component) =>
            void (await stopStack("test", { components: [component], env: provisioningEnv, log: say })),
          // Starts what is not running (the component just stopped) and reuses the rest.
          start: async () => void (await ensureStack("test", { env: provisioningEnv, log: say })),
        }
      : undefined;
    const runs = args.onlyRuns.length > 0 ? args.onlyRuns : Array.from({ length: args.runs }, (_, i) => i + 1);
    say(
      `campaign seed ${seed}: ${runs.length === args.runs ? `${args.runs} runs` : `run(s) ${runs.join(", ")} of ${args.runs}`} × ` +
        `${args.concurrency} exports, ${args.faultsPerRun} faults per run (${infraFaults ? "processes, Kafka and PostgreSQL" : "processes only"})`,
    );
    const result = await runCampaign(
      options,
      {
        endpoints: stack.endpoints,
        stackEnv: env,
        stack: control,
        tunables: defaultTunables,
        logRoot: join(repoRoot, ".local", "chaos"),
        settleTimeoutMs: args.settleTimeoutMs,
        echo: say,
        signal: interrupted.signal,
      },
      runs,
      (run) => {
        for (const line of formatRun(run, args.runs)) process.stderr.write(`${line}\n`);
      },
    );
    const summary = formatTotals(seed, result.totals);
    if (args.json) {
      for (const line of summary) process.stderr.write(`${line}\n`);
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      process.stdout.write(`\n${summary.join("\n")}\n`);
      process.stdout.write(
        `reproduce a run: npm run chaos -- --runs ${args.runs} --concurrency ${args.concurrency} ` +
          `--seed ${seed} --faults ${args.faults} --faults-per-run ${args.faultsPerRun} --only-run <run>\n`,
      );
    }
    if (interrupted.signal.aborted) return 130;
    return result.totals.violations > 0 ? 1 : 0;
  } finally {
    process.off("SIGINT", abort);
    process.off("SIGTERM", abort);
    if (started.length > 0 && process.env.KEEP_STACK !== "1" && users.otherUsers().length === 0) {
      await stopStack("test", { components: started, env: provisioningEnv, log: say });
      say(`stopped ${started.join(", ")} (KEEP_STACK=1 keeps them)`);
    }
    users.release();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    if (error instanceof PlanError) {
      say(error.message);
      process.exitCode = 2;
      return;
    }
    say(
      error instanceof StackError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error),
    );
    process.exitCode = 1;
  },
);
