/**
 * The chaos campaign's plan: which exports each run submits and when, and which faults it injects and when. Pure and
 * seeded: the same options give the same plan on any machine, and a run's plan depends only on the campaign's seed
 * and the run's number, so `--only-run 7` replays run 7 exactly. The runner (runner.ts) executes a plan against real
 * processes; nothing here touches one.
 */
import type { PipelineServiceName } from "../services.js";
import { deriveSeed, seededRandom, type Random } from "./random.js";

export const faultKinds = ["kill", "stop", "kafka", "postgres"] as const;
/** kill: SIGKILL a service process. stop: SIGSTOP one, SIGCONT it later. kafka / postgres: restart that component. */
export type FaultKind = (typeof faultKinds)[number];
/** Faults that touch only the deployment's own processes, never the shared stack. */
export const processFaultKinds: readonly FaultKind[] = ["kill", "stop"];

/** The demo data the exports read: Melbourne calendar dates, and the instants they span. */
export interface DataSpan {
  /** Every Melbourne date with data, in order (YYYY-MM-DD). */
  readonly dates: readonly string[];
  /** [start, end) of the data, epoch seconds. */
  readonly start: number;
  readonly end: number;
}

export interface PlanTiming {
  /** Exports are submitted at random offsets in [0, submitSpreadMs] from the run's start. */
  readonly submitSpreadMs: number;
  /** Faults fall in [faultStartMs, faultEndMs], at least minFaultGapMs apart. */
  readonly faultStartMs: number;
  readonly faultEndMs: number;
  readonly minFaultGapMs: number;
  /** How long a SIGSTOPped process stays stopped: [min, max] ms (longer than STUCK_AFTER_MS). */
  readonly stopMs: readonly [number, number];
  /** How long a restarted Kafka or PostgreSQL stays down: [min, max] ms. */
  readonly downMs: readonly [number, number];
}

export interface PlanOptions {
  readonly seed: number;
  readonly runs: number;
  /** Exports submitted per run. */
  readonly concurrency: number;
  readonly data: DataSpan;
  /** Processes per service: the faults' victims are drawn from these. */
  readonly replicas: Readonly<Record<PipelineServiceName, number>>;
  /** Kinds dealt to a run's faults in turn from a seeded shuffle of this list: repeat a kind to make it likelier. */
  readonly faultKinds: readonly FaultKind[];
  readonly faultsPerRun: number;
  readonly timing: PlanTiming;
}

export type PlannedExport =
  | {
      /** e01, e02, …: names the export in reports and logs. */
      readonly id: string;
      readonly kind: "on-demand";
      /** requestData's window, epoch seconds: distinct start per export, so no two share an output prefix. */
      readonly startTime: number;
      readonly endTime: number;
      readonly submitAtMs: number;
    }
  | {
      readonly id: string;
      readonly kind: "scheduled";
      /** A Melbourne date no other export of the run exports. */
      readonly exportDate: string;
      readonly submitAtMs: number;
    };

export type PlannedFault =
  | { readonly kind: "kill"; readonly atMs: number; readonly service: PipelineServiceName; readonly replica: number }
  | {
      readonly kind: "stop";
      readonly atMs: number;
      readonly service: PipelineServiceName;
      readonly replica: number;
      readonly durationMs: number;
    }
  | { readonly kind: "kafka" | "postgres"; readonly atMs: number; readonly downMs: number };

export interface RunPlan {
  /** 1-based. */
  readonly run: number;
  readonly seed: number;
  readonly exports: readonly PlannedExport[];
  readonly faults: readonly PlannedFault[];
}

export interface CampaignPlan {
  readonly seed: number;
  readonly runs: readonly RunPlan[];
}

export class PlanError extends Error {
  readonly code = "CHAOS_PLAN_INVALID";
  constructor(readonly problems: readonly string[]) {
    super(`invalid chaos plan options:\n- ${problems.join("\n- ")}`);
    this.name = "PlanError";
  }
}

/** The longest window requestData accepts (MAX_WINDOW_SECONDS' default). */
const maxWindowSeconds = 86_400;
const quarterHour = 900;

/** Every problem with the options at once. */
export function validatePlanOptions(options: PlanOptions): void {
  const problems: string[] = [];
  const positiveInt = (name: string, value: number): void => {
    if (!Number.isInteger(value) || value < 1) problems.push(`${name} must be a positive integer, got ${value}`);
  };
  positiveInt("runs", options.runs);
  positiveInt("concurrency", options.concurrency);
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff)
    problems.push(`seed must be an integer in [0, 2^32), got ${options.seed}`);
  if (!Number.isInteger(options.faultsPerRun) || options.faultsPerRun < 0)
    problems.push(`faultsPerRun must be a non-negative integer, got ${options.faultsPerRun}`);
  if (options.faultsPerRun > 0 && options.faultKinds.length === 0)
    problems.push("faultKinds is empty but faultsPerRun is not 0");
  const { timing, data } = options;
  const span = timing.faultEndMs - timing.faultStartMs - Math.max(0, options.faultsPerRun - 1) * timing.minFaultGapMs;
  if (options.faultsPerRun > 0 && span < 0)
    problems.push(
      `${options.faultsPerRun} faults ${timing.minFaultGapMs} ms apart do not fit in [${timing.faultStartMs}, ${timing.faultEndMs}] ms`,
    );
  if (timing.faultStartMs < 0 || timing.submitSpreadMs < 0) problems.push("timing offsets must not be negative");
  for (const [name, [min, max]] of [
    ["stopMs", timing.stopMs],
    ["downMs", timing.downMs],
  ] as const)
    if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 0 && max >= min))
      problems.push(`${name} must be an integer range [min, max], got [${min}, ${max}]`);
  if (data.end - data.start < 3600) problems.push("the data span is shorter than an hour");
  const processes = Object.values(options.replicas).reduce((sum, n) => sum + n, 0);
  if (options.faultKinds.some((kind) => kind === "kill" || kind === "stop") && processes === 0)
    problems.push("process faults need at least one replica");
  if (problems.length > 0) throw new PlanError(problems);
}

/** The whole campaign: runs 1..runs, each from its own derived seed. */
export function planCampaign(options: PlanOptions): CampaignPlan {
  validatePlanOptions(options);
  return {
    seed: options.seed,
    runs: Array.from({ length: options.runs }, (_, i) => planRun(options, i + 1)),
  };
}

/** One run's plan; depends only on (seed, run, the other options), not on the runs before it. */
export function planRun(options: PlanOptions, run: number): RunPlan {
  validatePlanOptions(options);
  if (!Number.isInteger(run) || run < 1 || run > options.runs)
    throw new PlanError([`run must be in [1, ${options.runs}], got ${run}`]);
  const seed = deriveSeed(options.seed, run);
  const random = seededRandom(seed);
  return { run, seed, exports: planExports(options, random), faults: planFaults(options, random) };
}

/** Half the exports scheduled (at most one per date with data), the rest on demand, in a shuffled order. */
function planExports(options: PlanOptions, random: Random): PlannedExport[] {
  const { concurrency, data, timing } = options;
  const scheduled = Math.min(Math.floor(concurrency / 2), data.dates.length);
  const kinds = random.shuffle([
    ...Array<"scheduled">(scheduled).fill("scheduled"),
    ...Array<"on-demand">(concurrency - scheduled).fill("on-demand"),
  ]);
  const dates = random.shuffle(data.dates);
  const starts = new Set<number>();
  return kinds.map((kind, i): PlannedExport => {
    const id = `e${String(i + 1).padStart(2, "0")}`;
    const submitAtMs = random.int(0, timing.submitSpreadMs);
    if (kind === "scheduled") return { id, kind, exportDate: dates.pop() as string, submitAtMs };
    const [startTime, endTime] = onDemandWindow(data, starts, random);
    return { id, kind, startTime, endTime, submitAtMs };
  });
}

/**
 * A window on quarter-hour boundaries inside the data, 1 to 24 hours long, whose start no other window of the run
 * has: the output prefix names start and end, so distinct starts never share files (even when a retried submission
 * shortens the end by a second).
 */
function onDemandWindow(data: DataSpan, taken: Set<number>, random: Random): [number, number] {
  const first = Math.ceil(data.start / quarterHour);
  const last = Math.floor((data.end - 3600) / quarterHour);
  if (last - first + 1 <= taken.size) throw new PlanError(["more on-demand exports than distinct window starts"]);
  let start: number;
  do start = random.int(first, last) * quarterHour;
  while (taken.has(start));
  taken.add(start);
  const length = random.int(4, 96) * quarterHour;
  return [start, Math.min(start + length, data.end, start + maxWindowSeconds)];
}

function planFaults(options: PlanOptions, random: Random): PlannedFault[] {
  const { faultsPerRun: count, timing } = options;
  if (count === 0) return [];
  const kinds = random.shuffle(options.faultKinds);
  const processes = (Object.entries(options.replicas) as [PipelineServiceName, number][]).flatMap(([service, n]) =>
    Array.from({ length: n }, (_, replica) => ({ service, replica })),
  );
  const span = timing.faultEndMs - timing.faultStartMs - (count - 1) * timing.minFaultGapMs;
  const offsets = Array.from({ length: count }, () => random.int(0, span)).sort((a, b) => a - b);
  return offsets.map((offset, i): PlannedFault => {
    const atMs = timing.faultStartMs + offset + i * timing.minFaultGapMs;
    const kind = kinds[i % kinds.length] as FaultKind;
    if (kind === "kafka" || kind === "postgres")
      return { kind, atMs, downMs: random.int(timing.downMs[0], timing.downMs[1]) };
    const victim = random.pick(processes);
    if (kind === "kill") return { kind, atMs, ...victim };
    return { kind, atMs, ...victim, durationMs: random.int(timing.stopMs[0], timing.stopMs[1]) };
  });
}

/** The Melbourne dates of a seeded demo data set (startDate and the days after it) and its instants. */
export function dataSpanOf(seed: {
  readonly params: { readonly startDate: string; readonly days: number };
  readonly window: { readonly start: Date; readonly end: Date };
}): DataSpan {
  const [y, m, d] = seed.params.startDate.split("-").map(Number) as [number, number, number];
  const dates = Array.from({ length: seed.params.days }, (_, i) =>
    new Date(Date.UTC(y, m - 1, d + i)).toISOString().slice(0, 10),
  );
  return {
    dates,
    start: Math.floor(seed.window.start.getTime() / 1000),
    end: Math.floor(seed.window.end.getTime() / 1000),
  };
}

/** One line per planned export and fault, for the run's log and the report. */
export function describePlan(plan: RunPlan): string[] {
  const at = (ms: number): string => `+${(ms / 1000).toFixed(1)}s`;
  const iso = (s: number): string => new Date(s * 1000).toISOString().replace(":00.000Z", "Z");
  return [
    ...plan.exports.map((e) =>
      e.kind === "scheduled"
        ? `${at(e.submitAtMs)} ${e.id} scheduled ${e.exportDate}`
        : `${at(e.submitAtMs)} ${e.id} on-demand ${iso(e.startTime)}..${iso(e.endTime)}`,
    ),
    ...plan.faults.map((f) => {
      switch (f.kind) {
        case "kill":
          return `${at(f.atMs)} kill -9 ${f.service}#${f.replica}`;
        case "stop":
          return `${at(f.atMs)} SIGSTOP ${f.service}#${f.replica} for ${(f.durationMs / 1000).toFixed(1)}s`;
        default:
          return `${at(f.atMs)} restart ${f.kind} (down ${(f.downMs / 1000).toFixed(1)}s)`;
      }
    }),
  ].sort((a, b) => parseFloat(a.slice(1)) - parseFloat(b.slice(1)));
}
