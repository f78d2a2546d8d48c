/**
 * Kubernetes' startup and liveness probes of /healthz, for a supervisor that should restart a wedged process (a
 * consumer kafkajs gave up on, a process frozen for too long) as a kubelet would, not only a dead one. The decision
 * is pure (`nextProbe`); `probeLiveness` runs it against a process.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { RunningService } from "./services.js";

/** How Kubernetes' probes judge a process (infra/k8s: a startupProbe, then a livenessProbe, both on /healthz). */
export interface ProbePolicy {
  /** startupProbe: /healthz every startupPeriodMs, up to startupFailures failures before the first success. */
  readonly startupPeriodMs: number;
  readonly startupFailures: number;
  /** livenessProbe: /healthz every periodMs with timeoutMs, restarted after `failures` failures in a row. */
  readonly periodMs: number;
  readonly timeoutMs: number;
  readonly failures: number;
}

/** The Deployments' probes in infra/k8s. */
export const kubernetesProbes: ProbePolicy = {
  startupPeriodMs: 2_000,
  startupFailures: 30,
  periodMs: 10_000,
  timeoutMs: 2_000,
  failures: 3,
};

export interface ProbeState {
  /** startup until /healthz first answered 200, then live. */
  readonly phase: "startup" | "live";
  /** Failed probes in a row. */
  readonly failures: number;
}

export const initialProbe: ProbeState = { phase: "startup", failures: 0 };

export interface ProbeDecision {
  readonly state: ProbeState;
  /** The probe gave up on the process: restart it. */
  readonly restart: boolean;
  /** When to probe next. */
  readonly delayMs: number;
}

/** What one probe's answer means: a startup probe tolerates a slow start, a liveness probe a short hiccup. */
export function nextProbe(policy: ProbePolicy, state: ProbeState, ok: boolean): ProbeDecision {
  if (state.phase === "startup") {
    if (ok) return { state: { phase: "live", failures: 0 }, restart: false, delayMs: policy.periodMs };
    const failures = state.failures + 1;
    return {
      state: { phase: "startup", failures },
      restart: failures >= policy.startupFailures,
      delayMs: policy.startupPeriodMs,
    };
  }
  if (ok) return { state: { phase: "live", failures: 0 }, restart: false, delayMs: policy.periodMs };
  const failures = state.failures + 1;
  return { state: { phase: "live", failures }, restart: failures >= policy.failures, delayMs: policy.periodMs };
}

/** GET url within timeoutMs; true for a 2xx answer. */
export async function probeOnce(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

export interface ProbedProcess {
  /** The process to probe now (a supervisor's current instance); a different value starts the probes afresh. */
  readonly current: () => RunningService;
  /** Called when the probes give up on the current process; it should stop it (the supervisor starts another). */
  readonly restart: (reason: string) => Promise<void>;
}

/** Probes until `signal` aborts. Never throws. */
export async function probeLiveness(target: ProbedProcess, policy: ProbePolicy, signal: AbortSignal): Promise<void> {
  let state = initialProbe;
  let probed = target.current();
  // Resolves early on abort; the timer's listener is removed either way.
  const sleep = (ms: number): Promise<void> => delay(ms, undefined, { signal }).catch(() => undefined);
  let delayMs = policy.startupPeriodMs;
  while (!signal.aborted) {
    await sleep(delayMs);
    if (signal.aborted) return;
    const current = target.current();
    if (current !== probed) {
      probed = current;
      state = initialProbe;
    }
    if (current.process.exitCode !== null || current.process.signalCode !== null) {
      delayMs = policy.startupPeriodMs;
      continue;
    }
    const ok = await probeOnce(`${current.healthUrl}/healthz`, policy.timeoutMs);
    if (signal.aborted || target.current() !== current) continue;
    const decision = nextProbe(policy, state, ok);
    state = decision.state;
    delayMs = decision.delayMs;
    if (decision.restart) {
      const reason =
        state.phase === "startup"
          ? `startup probe failed ${state.failures} times`
          : `liveness probe failed ${state.failures} times in a row`;
      state = initialProbe;
      await target.restart(reason).catch(() => undefined);
    }
  }
}
