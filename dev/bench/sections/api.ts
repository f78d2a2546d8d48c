import { requestData, requestStatus, isFinished } from "../../harness/graphql/client.js";
import { startDeployment, type TestDeployment } from "../../harness/deployment.js";
import { startDeploymentGateway, type DeploymentGateway } from "../../harness/gateway.js";
import { operatorIdentity } from "../../harness/auth.js";
import { availableParallelism } from "node:os";
import { firstDemoDay } from "../../harness/provision.js";
import { topicEventCount } from "../../harness/topics.js";
import { figure, type Figure } from "../figures.js";
import type { BenchContext, BenchSection, SectionReport } from "../section.js";
import { runOpenLoop, type OpenLoopResult } from "../api/open-loop-load.js";
import { cpuPerRequest, groupCpu, processes, type CpuGroup } from "../api/process-cpu.js";
import { postgresDataDir, repoRoot } from "../../stack/paths.js";
import { isRequestId, isStatus, requestDataLoad, requestStatusLoad, type Route } from "../api/request-load.js";

/** The target of the issue: requestData p99 under 20 ms at 500 requests/s, through the gateway. */
const P99_TARGET_MS = 20;

interface Sizes {
  readonly rate: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly exports: number;
  readonly statusRate: number;
  readonly statusDurationS: number;
}

const full: Sizes = { rate: 500, durationS: 30, warmupS: 5, exports: 100, statusRate: 50, statusDurationS: 20 };
const quick: Sizes = { rate: 50, durationS: 3, warmupS: 1, exports: 5, statusRate: 20, statusDurationS: 3 };

/** Services quiet: request-api logs one info line per accepted request (as in production), not debug. */
const quietLogs = { LOG_LEVEL: "info" };

/**
 * BENCH_API_CPU_PROF=DIR: request-api of the requestData measurement writes a V8 CPU profile into DIR when it stops
 * (open it in Chrome DevTools or speedscope), to see where a request's time goes.
 */
function profiling(): { nodeArgs?: { "request-api": string[] } } {
  const dir = process.env.BENCH_API_CPU_PROF;
  return dir === undefined || dir === ""
    ? {}
    : { nodeArgs: { "request-api": ["--cpu-prof", `--cpu-prof-dir=${dir}`] } };
}

/** request-api's error lines (a failed request logs why), the first few kept for the report. */
function serviceErrors(logs: readonly string[]): { count: number; first: string[] } {
  const errors = logs.filter((l) => l.startsWith("request-api ") && /"level":(50|60)\b/.test(l));
  return { count: errors.length, first: errors.slice(0, 3).map((l) => l.slice(0, 600)) };
}

export const apiSection: BenchSection = {
  name: "api",
  description: "requestData latency at a fixed rate (gateway and direct, real broker); requestStatus while exports run",
  async run(context) {
    const sizes = context.quick ? quick : full;
    const data = await measureRequestData(context, sizes);
    const status = await measureRequestStatus(context, sizes);
    return report(sizes, data, status);
  },
};

/** A load's figures, and the CPU each component spent per request during it. */
interface Measured extends OpenLoopResult {
  readonly cpuMsPerRequest: Record<string, number>;
}

/**
 * The processes sharing the 2 cores during a load: request-api, the gateway (this process's hive-gateway child),
 * this stack's Kafka broker and PostgreSQL server (with its backends), and the load generator (this process).
 */
function componentGroups(requestApiPid: number): CpuGroup[] {
  const postgres = `-D ${postgresDataDir("test")} `;
  return [
    { name: "request-api", matches: (p) => p.pid === requestApiPid, tree: true },
    {
      name: "gateway",
      matches: (p) => p.ppid === process.pid && p.cmdline.includes("hive-gateway"),
      tree: true,
    },
    { name: "kafka", matches: (p) => p.cmdline.includes("kafka.Kafka") && p.cmdline.includes(repoRoot), tree: false },
    { name: "postgres", matches: (p) => p.cmdline.includes(postgres), tree: true },
    { name: "load generator", matches: (p) => p.pid === process.pid, tree: false },
  ];
}

interface DataRuns {
  readonly gateway: Measured[];
  readonly direct: Measured[];
  /** ExportRequested events the broker holds after all loads, against the requests answered with an id. */
  readonly eventsPublished: number;
  readonly idsAnswered: number;
  readonly distinctIds: number;
  readonly serviceErrors: { count: number; first: string[] };
}

/**
 * requestData alone: only request-api runs (with the broker, PostgreSQL and the AWS emulator it needs). The planner
 * and unloader would turn 15,000 accepted requests into 15,000 exports competing for the same 2 cores during the
 * measurement; the status tracker is left out for the same reason (its consumer would write each event to
 * PostgreSQL while the load runs). request-api's own work per request is all there: the caller's lock, the reuse and
 * quota reads, the acknowledged (acks=all, idempotent) publish and the accepted_requests row.
 */
async function measureRequestData(context: BenchContext, sizes: Sizes): Promise<DataRuns> {
  const deployment = await startDeployment({
    label: "bench-api",
    services: ["request-api"],
    env: quietLogs,
    ...profiling(),
  });
  let gateway: DeploymentGateway | undefined;
  try {
    gateway = await startDeploymentGateway(deployment);
    const routes: Route[] = [
      { kind: "gateway", url: gateway.url, issuer: gateway.issuer },
      { kind: "direct", url: deployment.graphqlUrl, hmacSecret: deployment.serviceEnv.GATEWAY_HMAC_SECRET ?? "" },
    ];
    const ids = new Set<string>();
    let idsAnswered = 0;
    let serial = 0;
    const groups = componentGroups(deployment.services[0]!.process.pid ?? -1);
    const load = async (route: Route, durationS: number): Promise<Measured> => {
      const requests = Array.from({ length: Math.round(sizes.rate * durationS) }, () =>
        requestDataLoad(route, serial++),
      );
      const before = groupCpu(processes(), groups);
      const result = await runOpenLoop({
        url: route.url,
        rate: sizes.rate,
        requests,
        check: isRequestId,
        onAnswer: (body) => {
          idsAnswered++;
          ids.add((JSON.parse(body) as { data: { requestData: string } }).data.requestData);
        },
      });
      return { ...result, cpuMsPerRequest: cpuPerRequest(before, groupCpu(processes(), groups), result.sent) };
    };
    const runs = { gateway: [] as Measured[], direct: [] as Measured[] };
    for (const route of routes) {
      // JIT, connection pools and the producer's metadata warm up before anything is measured.
      const warm = await load(route, sizes.warmupS);
      context.log(`api: warm-up ${route.kind}: ${line(warm)}`);
    }
    for (let run = 1; run <= context.runs; run++) {
      for (const route of routes) {
        const result = await load(route, sizes.durationS);
        context.log(
          `api: requestData ${route.kind} run ${run}/${context.runs}: ${line(result)}; CPU ms/request ${JSON.stringify(result.cpuMsPerRequest)}`,
        );
        runs[route.kind].push(result);
      }
    }
    const eventsPublished = await topicEventCount(deployment.names.topicNamespace, "exportRequested");
    return {
      ...runs,
      eventsPublished,
      idsAnswered,
      distinctIds: ids.size,
      serviceErrors: serviceErrors(deployment.logs),
    };
  } finally {
    await gateway?.stop();
    await deployment.stop();
  }
}

interface StatusRun {
  readonly load: OpenLoopResult;
  readonly runningAtStart: number;
  readonly runningAtEnd: number;
  /** From the requests to the last export finished; null when they had not within the wait (10 minutes). */
  readonly drainS: number | null;
}

/**
 * requestStatus while exports run: the whole deployment, `exports` one-hour exports of the demo data requested,
 * then their statuses polled through the gateway at a fixed rate (round robin over the ids), as the operator who
 * sees every export. Each run waits for its exports to finish before the next starts.
 */
async function measureRequestStatus(context: BenchContext, sizes: Sizes): Promise<StatusRun[]> {
  let deployment: TestDeployment | undefined;
  let gateway: DeploymentGateway | undefined;
  try {
    deployment = await startDeployment({ label: "bench-status", env: quietLogs });
    gateway = await startDeploymentGateway(deployment);
    const route: Route = { kind: "gateway", url: gateway.url, issuer: gateway.issuer };
    const token = gateway.issuer.mint(operatorIdentity);
    const [dayStart] = firstDemoDay(deployment);
    const runs: StatusRun[] = [];
    for (let run = 1; run <= context.runs; run++) {
      const ids: string[] = [];
      for (let i = 0; i < sizes.exports; i++) {
        const start = dayStart + (i % 24) * 3600;
        ids.push(await requestData(deployment.graphqlUrl, start, start + 3600, { force: true }));
      }
      const requested = Date.now();
      const runningAtStart = await running(deployment.graphqlUrl, ids);
      const load = await runOpenLoop({
        url: route.url,
        rate: sizes.statusRate,
        requests: Array.from({ length: sizes.statusRate * sizes.statusDurationS }, (_, i) =>
          requestStatusLoad(route, ids[i % ids.length]!, token),
        ),
        check: isStatus,
      });
      const runningAtEnd = await running(deployment.graphqlUrl, ids);
      context.log(
        `api: requestStatus run ${run}/${context.runs}: ${line(load)}; running ${runningAtStart} → ${runningAtEnd} of ${ids.length}`,
      );
      // The next run starts from idle workers; the time to drain is a figure of its own.
      const drained = await allFinished(deployment.graphqlUrl, ids, 10 * 60_000);
      const drainS = drained ? (Date.now() - requested) / 1000 : null;
      context.log(`api: the ${ids.length} exports ${drained ? `finished after ${drainS} s` : "had not all finished"}`);
      runs.push({ load, runningAtStart, runningAtEnd, drainS });
    }
    return runs;
  } finally {
    await gateway?.stop();
    await deployment?.stop();
  }
}

/** How many of the exports are not finished; one id at a time (a burst of 100 would only measure the burst). */
async function running(url: string, ids: readonly string[]): Promise<number> {
  let unfinished = 0;
  for (const id of ids) {
    const status = await requestStatus(url, id).catch(() => requestStatus(url, id));
    if (!isFinished(status.status)) unfinished++;
  }
  return unfinished;
}

/** Whether every export finished within the timeout. */
async function allFinished(url: string, ids: readonly string[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while ((await running(url, ids)) > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return true;
}

function line(r: OpenLoopResult): string {
  const failed = r.httpErrors + r.graphqlErrors + r.transportErrors;
  const why = failed > 0 ? ` (first: ${r.failures[0] ?? "?"})` : "";
  return `${r.ok}/${r.sent} ok at ${r.achievedRate}/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms, generator lag p99 ${r.lagP99Ms} ms, ${failed} failed${why}`;
}

/** A figure of a latency percentile over runs; runs without one successful request make it null. */
function latencyFigure(results: readonly OpenLoopResult[], pick: (r: OpenLoopResult) => number | null): Figure | null {
  const values = results.map(pick);
  return values.every((v): v is number => v !== null) && values.length > 0 ? figure(values, "ms") : null;
}

function report(sizes: Sizes, data: DataRuns, status: readonly StatusRun[]): SectionReport {
  const figures: Record<string, Figure> = {};
  const put = (name: string, f: Figure | null): void => {
    if (f !== null) figures[name] = f;
  };
  for (const kind of ["gateway", "direct"] as const) {
    const suffix = kind === "gateway" ? "" : "_direct";
    put(
      `request_data${suffix}_p50_ms`,
      latencyFigure(data[kind], (r) => r.p50Ms),
    );
    put(
      `request_data${suffix}_p90_ms`,
      latencyFigure(data[kind], (r) => r.p90Ms),
    );
    put(
      `request_data${suffix}_p99_ms`,
      latencyFigure(data[kind], (r) => r.p99Ms),
    );
    put(
      `request_data${suffix}_max_ms`,
      latencyFigure(data[kind], (r) => r.maxMs),
    );
    figures[`request_data${suffix}_cpu_ms_per_request`] = figure(
      data[kind].map((r) => Object.values(r.cpuMsPerRequest).reduce((a, b) => a + b, 0)),
      "ms",
    );
    // What the machine's cores could serve if these components had them to themselves: the CPU ceiling of the rate.
    figures[`request_data${suffix}_cpu_ceiling_per_s`] = figure(
      data[kind].map(
        (r) => (availableParallelism() * 1000) / Object.values(r.cpuMsPerRequest).reduce((a, b) => a + b, 0),
      ),
      "req/s",
      0,
    );
    figures[`request_data${suffix}_rate_per_s`] = figure(
      data[kind].map((r) => r.achievedRate),
      "req/s",
    );
  }
  put(
    "request_status_p50_ms",
    latencyFigure(
      status.map((s) => s.load),
      (r) => r.p50Ms,
    ),
  );
  put(
    "request_status_p99_ms",
    latencyFigure(
      status.map((s) => s.load),
      (r) => r.p99Ms,
    ),
  );
  const drains = status.map((s) => s.drainS).filter((d): d is number => d !== null);
  if (drains.length === status.length && drains.length > 0) figures.exports_drain_s = figure(drains, "s");
  const failed = (rs: readonly OpenLoopResult[]) =>
    rs.reduce((n, r) => n + r.httpErrors + r.graphqlErrors + r.transportErrors, 0);
  const p99 = figures.request_data_p99_ms?.median ?? null;
  const direct99 = figures.request_data_direct_p99_ms?.median ?? null;
  const status99 = figures.request_status_p99_ms?.median ?? null;
  const dataFailed = failed(data.gateway) + failed(data.direct);
  return {
    keys: {
      request_data_p99_ms: p99,
      request_data_p50_ms: figures.request_data_p50_ms?.median ?? null,
      request_data_direct_p99_ms: direct99,
      request_data_direct_p50_ms: figures.request_data_direct_p50_ms?.median ?? null,
      request_status_p99_ms: status99,
    },
    figures,
    details: {
      load: {
        requestData: { rate: sizes.rate, durationS: sizes.durationS, warmupS: sizes.warmupS },
        requestStatus: { rate: sizes.statusRate, durationS: sizes.statusDurationS, exports: sizes.exports },
        generator:
          "open loop (a request is sent when due, whatever is unanswered), keep-alive HTTP/1.1, latency from send to the whole answer; a request unanswered for 10 s on its connection counts as a transport error (timed out); beyond 512 in flight a request waits for a connection, inside its latency; on the same 2 cores as the gateway, request-api, Kafka and PostgreSQL",
      },
      notes: [
        "cpuMsPerRequest: CPU time (user + system, /proc) each component spent per request during a load; cores × 1000 / their sum is the rate the machine could serve at best (request_data_cpu_ceiling_per_s): above it requests queue and latency grows without bound",
        "request-api's publish of ExportRequested is one produce request per event on an idempotent producer with one request in flight per broker connection (packages/bus): concurrent requests wait for each other's broker round trip",
        "a requestData costs request-api six PostgreSQL round trips (BEGIN, the caller's advisory lock, the reuse candidates, the quota read, the accepted_requests insert, COMMIT) besides the produce",
      ],
      services: {
        requestData:
          "request-api only (+ Kafka, PostgreSQL, moto): the planner and unloader would turn every accepted request into an export during the load, the status tracker would write each event; each request is a distinct caller's first request of its own window (no reuse, quotas far away)",
        requestStatus:
          "the whole deployment (request-api, planner, unloader, status tracker, notifier) and the gateway",
      },
      requestData: {
        gateway: data.gateway.map((r) => ({ ...counts(r), cpuMsPerRequest: r.cpuMsPerRequest })),
        direct: data.direct.map((r) => ({ ...counts(r), cpuMsPerRequest: r.cpuMsPerRequest })),
        idsAnswered: data.idsAnswered,
        distinctIds: data.distinctIds,
        exportRequestedEvents: data.eventsPublished,
        failures: [...data.gateway, ...data.direct].flatMap((r) => r.failures).slice(0, 5),
        requestApiErrors: data.serviceErrors,
      },
      requestStatus: status.map((s) => ({
        ...counts(s.load),
        runningAtStart: s.runningAtStart,
        runningAtEnd: s.runningAtEnd,
        of: sizes.exports,
        drainS: s.drainS,
        failures: s.load.failures,
      })),
    },
    targets: [
      {
        key: "request_data_p99_ms",
        description: `requestData p99 < ${P99_TARGET_MS} ms at ${sizes.rate} req/s through the gateway, none failed`,
        met: p99 !== null && p99 < P99_TARGET_MS && dataFailed === 0,
      },
    ],
    table: [
      ["requestData p50 / p99 (gateway)", `${figures.request_data_p50_ms?.median ?? "–"} / ${p99 ?? "–"} ms`],
      [
        "requestData p50 / p99 (direct)",
        `${figures.request_data_direct_p50_ms?.median ?? "–"} / ${direct99 ?? "–"} ms`,
      ],
      ["requestData load", `${sizes.rate} req/s × ${sizes.durationS} s, ${dataFailed} failed`],
      [
        "requestData CPU per request (gateway / direct)",
        `${figures.request_data_cpu_ms_per_request?.median} / ${figures.request_data_direct_cpu_ms_per_request?.median} ms over all components`,
      ],
      ["requestStatus p99 while exports run", `${status99 ?? "–"} ms at ${sizes.statusRate} req/s`],
      [
        "exports running during requestStatus",
        status.map((s) => `${s.runningAtStart}→${s.runningAtEnd}/${sizes.exports}`).join(", "),
      ],
    ],
  };
}

function counts(r: OpenLoopResult) {
  return {
    sent: r.sent,
    ok: r.ok,
    httpErrors: r.httpErrors,
    graphqlErrors: r.graphqlErrors,
    transportErrors: r.transportErrors,
    achievedRate: r.achievedRate,
    generatorLagP99Ms: r.lagP99Ms,
  };
}
