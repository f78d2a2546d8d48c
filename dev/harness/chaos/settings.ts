import { harnessQuotas } from "../deployment.js";
import type { SeedParams } from "@data-exporter/demo-data";
import type { PipelineServiceName } from "../services.js";
import type { FaultKind, PlanTiming } from "./plan.js";

/**
 * How the campaign's deployments are tuned so that a frozen process outlives its deadline within seconds, not
 * minutes: a 15 s lease renewed every second, a 6 s Kafka session (the broker's minimum), a sweep every 500 ms.
 */
export interface ChaosTunables {
  /** STUCK_AFTER_MS of the unloader's lease and the status tracker's sweep. */
  readonly stuckAfterMs: number;
  readonly heartbeatMs: number;
  readonly sessionTimeoutMs: number;
  readonly sweepIntervalMs: number;
}

export const defaultTunables: ChaosTunables = {
  stuckAfterMs: 15_000,
  heartbeatMs: 1_000,
  sessionTimeoutMs: 6_000,
  sweepIntervalMs: 500,
};

/** The variables every service of a campaign deployment gets on top of its provisioned environment. */
export function chaosServiceEnv(tunables: ChaosTunables): Record<string, string> {
  return {
    STUCK_AFTER_MS: String(tunables.stuckAfterMs),
    UNLOAD_HEARTBEAT_MS: String(tunables.heartbeatMs),
    KAFKA_SESSION_TIMEOUT_MS: String(tunables.sessionTimeoutMs),
    SWEEP_INTERVAL_MS: String(tunables.sweepIntervalMs),
    CONSUMER_LAG_INTERVAL_MS: "2000",
    RETRY_BACKOFF_MS: "500",
    LOG_LEVEL: "info",
    // One caller (the operator) submits the whole workload.
    ...harnessQuotas,
  };
}

/** Two replicas of each consuming service (as the Deployments run them), one request-api. */
export const defaultReplicas: Readonly<Record<PipelineServiceName, number>> = {
  "request-api": 1,
  planner: 2,
  unloader: 2,
  "status-tracker": 2,
  notifier: 2,
  "catalog-registrar": 2,
};

/**
 * Offsets of a run's events: submissions spread over the fault window, so every fault meets exports in flight
 * (one export takes a few seconds). A stop lasts 2 to 4.5 s longer than STUCK_AFTER_MS, and stays under the 30 s the
 * liveness probe (3 failures 10 s apart) needs to restart the frozen process, so the frozen run is resumed, not
 * replaced, and must find itself fenced.
 */
export function defaultTiming(tunables: ChaosTunables): PlanTiming {
  return {
    submitSpreadMs: 40_000,
    faultStartMs: 3_000,
    faultEndMs: 55_000,
    minFaultGapMs: 6_000,
    stopMs: [tunables.stuckAfterMs + 2_000, tunables.stuckAfterMs + 4_500],
    downMs: [1_000, 6_000],
  };
}

/** Kinds dealt in turn to each run's faults: kills twice as often as each other kind. */
export const allFaults: readonly FaultKind[] = ["kill", "kill", "stop", "kafka", "postgres"];
export const processFaults: readonly FaultKind[] = ["kill", "stop"];

/**
 * The warehouse every run reads: the tiny demo scale over 14 Melbourne days around the end of daylight saving
 * (2024-04-07 has 25 hours), enough distinct dates for 14 scheduled exports per run. Seeded once into its own
 * schema and shared by every run and campaign (read-only; the seeder skips data already loaded).
 */
export const chaosSeedParams: SeedParams = {
  startDate: "2024-03-30",
  days: 14,
  ways: 20,
  observationsPerWayPerHour: 2,
  seed: 7,
};
export const chaosWarehouseSchema = "pm_chaos_v1";
