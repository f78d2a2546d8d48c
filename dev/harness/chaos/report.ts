/**
 * A run's and a campaign's figures (exports, tables, faults, restarts, violations) from what the runner observed,
 * and their human-readable form. Pure.
 */
import { serviceNames, type PipelineServiceName } from "../services.js";
import { isTerminal, type RunObservation, type Violation } from "./checks.js";
import type { FaultTally } from "./faults.js";
import type { CrashReport, Tally } from "./fleet.js";
import type { RunPlan } from "./plan.js";

export interface RunResult {
  readonly run: number;
  readonly seed: number;
  readonly logDir: string;
  readonly durationMs: number;
  readonly deployment: { readonly topicNamespace: string; readonly bucket: string; readonly statusSchema: string };
  readonly submissions: {
    readonly planned: number;
    readonly onDemand: number;
    readonly scheduled: number;
    readonly accepted: number;
    /** Submission attempts that failed (and were retried, or given up). */
    readonly failedAttempts: number;
  };
  /** Requests the deployment knew at the end (one per accepted export, plus any accepted behind a lost answer). */
  readonly requests: number;
  readonly exports: {
    readonly completed: number;
    readonly failed: number;
    readonly partial: number;
    readonly unfinished: number;
  };
  readonly tables: { readonly completed: number; readonly failed: number };
  /** Each FAILED table and why: acceptable outcomes, as long as they are explained. */
  readonly failures: readonly {
    readonly requestId: string;
    readonly exportId?: string;
    readonly table: string;
    readonly errorKind: string | null;
    readonly error: string | null;
  }[];
  readonly faults: FaultTally;
  readonly restarts: Tally;
  readonly crashes: Tally;
  readonly probeRestarts: Tally;
  /** Each exit nobody caused (not a violation: the supervisor restarts it; but a finding), by its signature. */
  readonly crashReports: readonly {
    readonly replica: string;
    readonly atMs: number;
    readonly exit: string;
    readonly signature: string;
  }[];
  readonly violations: readonly Violation[];
  /** Set when the run could not be carried out (e.g. its services never became ready). */
  readonly error?: string;
}

export interface RunFacts {
  readonly plan: RunPlan;
  readonly logDir: string;
  readonly durationMs: number;
  readonly deployment: RunResult["deployment"];
  readonly observation: RunObservation;
  readonly violations: readonly Violation[];
  readonly faults: FaultTally;
  readonly restarts: Tally;
  readonly crashes: Tally;
  readonly probeRestarts: Tally;
  readonly crashReports?: readonly CrashReport[];
}

/**
 * What a crashed process said last that explains it: an uncaught error's first line (`error: …`, `TypeError: …`,
 * with the emitter Node names), else the message of its last fatal, then error, log record, else its last line.
 */
export function crashSignature(lines: readonly string[]): string {
  const thrown = lines.findLast((line) => /^(\w*Error|error)(\s*\[[^\]]*\])?: /.test(line));
  if (thrown !== undefined) {
    const emitted = lines.find((line) => /^Emitted '\w+' event on/.test(line));
    return [thrown, emitted].filter(Boolean).join(" — ").slice(0, 300);
  }
  const records = lines.flatMap((line) => {
    if (!line.startsWith("{")) return [];
    try {
      return [JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } }];
    } catch {
      return [];
    }
  });
  const worst = records.findLast((r) => (r.level ?? 0) >= 60) ?? records.findLast((r) => (r.level ?? 0) >= 50);
  if (worst !== undefined)
    return `${worst.msg ?? ""}${worst.err?.message ? `: ${worst.err.message}` : ""}`.slice(0, 300);
  return (lines.filter((line) => line.trim() !== "").at(-1) ?? "(no output)").slice(0, 300);
}

export function summarizeRun(facts: RunFacts): RunResult {
  const { observation, plan } = facts;
  const tracked = observation.requests.filter((r) => r.tracked !== undefined);
  const count = (status: string): number => tracked.filter((r) => isTerminal(r) && r.status === status).length;
  const tables = tracked.flatMap((r) => r.tables.map((t) => ({ request: r, table: t })));
  return {
    run: plan.run,
    seed: plan.seed,
    logDir: facts.logDir,
    durationMs: facts.durationMs,
    deployment: facts.deployment,
    submissions: {
      planned: plan.exports.length,
      onDemand: plan.exports.filter((e) => e.kind === "on-demand").length,
      scheduled: plan.exports.filter((e) => e.kind === "scheduled").length,
      accepted: observation.submissions.filter((s) => s.accepted).length,
      failedAttempts: observation.submissions.reduce((sum, s) => sum + s.errors.length, 0),
    },
    requests: observation.requests.length,
    exports: {
      completed: count("Completed"),
      failed: count("Failed"),
      partial: count("Partially Completed"),
      unfinished: observation.requests.filter((r) => !isTerminal(r)).length,
    },
    tables: {
      completed: tables.filter(({ table }) => table.status === "COMPLETED").length,
      failed: tables.filter(({ table }) => table.status === "FAILED").length,
    },
    failures: tables
      .filter(({ table }) => table.status === "FAILED")
      .map(({ request, table }) => ({
        requestId: request.requestId,
        ...(request.exportId === undefined ? {} : { exportId: request.exportId }),
        table: table.table,
        errorKind: table.errorKind,
        error: table.error,
      })),
    faults: facts.faults,
    restarts: facts.restarts,
    crashes: facts.crashes,
    probeRestarts: facts.probeRestarts,
    crashReports: (facts.crashReports ?? []).map((crash) => ({
      replica: crash.replica,
      atMs: crash.atMs,
      exit: crash.exit,
      signature: crashSignature(crash.lines),
    })),
    violations: facts.violations,
  };
}

export interface CampaignTotals {
  readonly runs: number;
  readonly runsWithViolations: number;
  readonly exportsPlanned: number;
  readonly exportsAccepted: number;
  readonly requests: number;
  readonly completed: number;
  readonly failed: number;
  readonly partial: number;
  readonly unfinished: number;
  readonly tablesCompleted: number;
  readonly tablesFailed: number;
  readonly kills: Tally;
  readonly stops: Tally;
  readonly kafkaRestarts: number;
  readonly postgresRestarts: number;
  readonly skippedFaults: number;
  readonly restarts: Tally;
  readonly crashes: Tally;
  readonly probeRestarts: Tally;
  readonly violations: number;
  readonly violationsByKind: Readonly<Record<string, number>>;
  readonly durationMs: number;
}

const add = (into: Record<string, number>, from: Readonly<Record<string, number | undefined>>): void => {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + (n ?? 0);
};

export function totalsOf(runs: readonly RunResult[]): CampaignTotals {
  const sum = (f: (run: RunResult) => number): number => runs.reduce((s, run) => s + f(run), 0);
  const tally = (f: (run: RunResult) => Tally): Tally => {
    const out: Record<string, number> = {};
    for (const run of runs) add(out, f(run));
    return out;
  };
  const byKind: Record<string, number> = {};
  for (const run of runs) for (const v of run.violations) byKind[v.kind] = (byKind[v.kind] ?? 0) + 1;
  return {
    runs: runs.length,
    runsWithViolations: runs.filter((run) => run.violations.length > 0).length,
    exportsPlanned: sum((r) => r.submissions.planned),
    exportsAccepted: sum((r) => r.submissions.accepted),
    requests: sum((r) => r.requests),
    completed: sum((r) => r.exports.completed),
    failed: sum((r) => r.exports.failed),
    partial: sum((r) => r.exports.partial),
    unfinished: sum((r) => r.exports.unfinished),
    tablesCompleted: sum((r) => r.tables.completed),
    tablesFailed: sum((r) => r.tables.failed),
    kills: tally((r) => r.faults.kills),
    stops: tally((r) => r.faults.stops),
    kafkaRestarts: sum((r) => r.faults.kafkaRestarts),
    postgresRestarts: sum((r) => r.faults.postgresRestarts),
    skippedFaults: sum((r) => r.faults.skipped),
    restarts: tally((r) => r.restarts),
    crashes: tally((r) => r.crashes),
    probeRestarts: tally((r) => r.probeRestarts),
    violations: sum((r) => r.violations.length),
    violationsByKind: byKind,
    durationMs: sum((r) => r.durationMs),
  };
}

const services: readonly PipelineServiceName[] = serviceNames;

/** "planner 2, unloader 1" (or "none"). */
export function formatTally(tally: Tally): string {
  const parts = services.filter((s) => (tally[s] ?? 0) > 0).map((s) => `${s} ${tally[s]}`);
  return parts.length > 0 ? parts.join(", ") : "none";
}

const total = (tally: Tally): number => Object.values(tally).reduce((s, n) => s + (n ?? 0), 0);
const minutes = (ms: number): string =>
  ms >= 60_000 ? `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s` : `${Math.round(ms / 1000)} s`;

/** A run in a few lines: what it did, how it ended, each violation. */
export function formatRun(run: RunResult, runs: number): string[] {
  const s = run.submissions;
  const e = run.exports;
  const lines = [
    `run ${run.run}/${runs} (seed ${run.seed}, ${minutes(run.durationMs)}, logs ${run.logDir})`,
    `  exports: ${s.planned} planned (${s.onDemand} on demand, ${s.scheduled} scheduled), ${s.accepted} accepted` +
      `${s.failedAttempts > 0 ? ` after ${s.failedAttempts} failed submission attempts` : ""}; ` +
      `${run.requests} requests: ${e.completed} completed, ${e.failed} failed, ${e.partial} partial` +
      `${e.unfinished > 0 ? `, ${e.unfinished} UNFINISHED` : ""}; tables ${run.tables.completed} completed, ${run.tables.failed} failed`,
    `  faults: kill -9 ${formatTally(run.faults.kills)}; SIGSTOP ${formatTally(run.faults.stops)}; ` +
      `kafka restarts ${run.faults.kafkaRestarts}; postgres restarts ${run.faults.postgresRestarts}` +
      `${run.faults.skipped > 0 ? `; ${run.faults.skipped} skipped (victim down)` : ""}`,
    `  supervisor: ${total(run.restarts)} restarts (${formatTally(run.restarts)}); exits nobody caused: ` +
      `${formatTally(run.crashes)}; liveness restarts: ${formatTally(run.probeRestarts)}`,
  ];
  const failureKinds = new Map<string, number>();
  for (const f of run.failures) {
    const reason = `${f.table}: ${f.errorKind ?? "?"} ${(f.error ?? "").replace(/[0-9a-f-]{36}|\d{4}-\d\d-\d\dT[\d:.]+Z/g, "…").slice(0, 90)}`;
    failureKinds.set(reason, (failureKinds.get(reason) ?? 0) + 1);
  }
  for (const [reason, n] of failureKinds) lines.push(`  failed table ×${n}: ${reason}`);
  for (const crash of run.crashReports)
    lines.push(
      `  exit nobody caused: ${crash.replica} at +${(crash.atMs / 1000).toFixed(1)}s (${crash.exit}): ${crash.signature}`,
    );
  if (run.error !== undefined) lines.push(`  RUN ERROR: ${run.error}`);
  lines.push(`  violations: ${run.violations.length}`);
  for (const v of run.violations)
    lines.push(
      `  ✗ ${v.kind}${v.exportId ? ` ${v.exportId}` : ""}${v.requestId ? ` ${v.requestId}` : ""}${v.table ? `/${v.table}` : ""}: ${v.message}`,
    );
  return lines;
}

export function formatTotals(seed: number, totals: CampaignTotals): string[] {
  const kinds = Object.entries(totals.violationsByKind)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(", ");
  return [
    `campaign seed ${seed}: ${totals.runs} runs in ${minutes(totals.durationMs)}, ${totals.runsWithViolations} with violations`,
    `  exports: ${totals.exportsPlanned} planned, ${totals.exportsAccepted} accepted; ${totals.requests} requests: ` +
      `${totals.completed} completed, ${totals.failed} failed, ${totals.partial} partial, ${totals.unfinished} unfinished; ` +
      `tables ${totals.tablesCompleted} completed, ${totals.tablesFailed} failed`,
    `  kills: ${total(totals.kills)} (${formatTally(totals.kills)}); SIGSTOPs: ${total(totals.stops)} (${formatTally(totals.stops)}); ` +
      `kafka restarts ${totals.kafkaRestarts}; postgres restarts ${totals.postgresRestarts}; skipped ${totals.skippedFaults}`,
    `  supervisor restarts: ${total(totals.restarts)} (${formatTally(totals.restarts)}); exits nobody caused: ` +
      `${total(totals.crashes)} (${formatTally(totals.crashes)}); liveness restarts: ${total(totals.probeRestarts)}`,
    `  violations: ${totals.violations}${kinds ? ` (${kinds})` : ""}`,
  ];
}
