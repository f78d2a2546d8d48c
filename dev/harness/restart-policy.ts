import { backoffDelay } from "@data-exporter/retry";

/**
 * When a supervisor starts a dead process again: Kubernetes' CrashLoopBackOff (restartPolicy Always), with times
 * that suit a laptop. Pure: no processes, no timers.
 */
export interface RestartPolicy {
  /** Delay before the first restart; it doubles with every crash that follows a short run. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** A process that stayed up this long was healthy: after its crash the delay starts at initialDelayMs again. */
  readonly resetAfterMs: number;
}

export const defaultRestartPolicy: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 30_000, resetAfterMs: 60_000 };

export interface RestartState {
  /** Restarts so far; never reset (a pod's restartCount). */
  readonly restarts: number;
  /** Crashes in a row, each after a run shorter than resetAfterMs. */
  readonly crashLoop: number;
}

export const noRestarts: RestartState = { restarts: 0, crashLoop: 0 };

export interface RestartDecision {
  readonly delayMs: number;
  readonly state: RestartState;
}

/** How long to wait before starting the process again, after it exited having run for upMs. */
export function nextRestart(policy: RestartPolicy, state: RestartState, upMs: number): RestartDecision {
  const crashLoop = upMs >= policy.resetAfterMs ? 1 : state.crashLoop + 1;
  return {
    delayMs: backoffDelay(crashLoop, { initialMs: policy.initialDelayMs, maxMs: policy.maxDelayMs }),
    state: { restarts: state.restarts + 1, crashLoop },
  };
}

/** How a process ended, as node's "exit" event reports it. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export function describeExit(exit: ProcessExit): string {
  if (exit.signal !== null) return `signal ${exit.signal}`;
  return exit.code === null ? "unknown status" : `code ${exit.code}`;
}

const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(1))} s`;

/** One log line per decision: "unloader exited (signal SIGKILL); restarting in 2 s (restart 3)". */
export function describeRestart(name: string, exit: ProcessExit, decision: RestartDecision): string {
  return `${name} exited (${describeExit(exit)}); restarting in ${seconds(decision.delayMs)} (restart ${decision.state.restarts})`;
}
