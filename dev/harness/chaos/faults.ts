/**
 * Executes a run's planned faults at their offsets: SIGKILL or SIGSTOP (then SIGCONT) a replica through the fleet,
 * or restart Kafka or PostgreSQL through the stack. Faults run in order; a component restart delays the faults
 * planned during it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { PipelineServiceName } from "../services.js";
import { bump, type Fleet, type Tally } from "./fleet.js";
import type { PlannedFault } from "./plan.js";
import type { Timeline } from "./timeline.js";

export type Component = "kafka" | "postgres";

/** Restarts a component of the shared stack by its recorded pid (dev/stack), e.g. stopStack then ensureStack. */
export interface StackControl {
  stop(component: Component): Promise<void>;
  start(component: Component): Promise<void>;
}

export interface FaultTally {
  readonly kills: Tally;
  readonly stops: Tally;
  kafkaRestarts: number;
  postgresRestarts: number;
  /** Faults whose victim was dead at that moment (its restart pending): nothing was done. */
  skipped: number;
}

export const emptyFaultTally = (): FaultTally => ({
  kills: {},
  stops: {},
  kafkaRestarts: 0,
  postgresRestarts: 0,
  skipped: 0,
});

export interface FaultContext {
  readonly fleet: Fleet;
  /** Absent when the stack is not ours to restart (e.g. under jest): the plan must hold no component faults. */
  readonly stack: StackControl | undefined;
  readonly timeline: Timeline;
  /** Aborted (Ctrl-C): no further fault starts; stopped processes are resumed, stopped components started. */
  readonly signal?: AbortSignal;
}

/** Runs every fault at its offset from the timeline's origin; resolves once every stopped process was resumed. */
export async function runFaults(faults: readonly PlannedFault[], ctx: FaultContext): Promise<FaultTally> {
  const tally = emptyFaultTally();
  const resumed: Promise<void>[] = [];
  for (const fault of faults) {
    const wait = fault.atMs - ctx.timeline.elapsedMs;
    if (wait > 0) await sleep(wait, undefined, ctx.signal ? { signal: ctx.signal } : {}).catch(() => undefined);
    if (ctx.signal?.aborted) break;
    switch (fault.kind) {
      case "kill": {
        const child = ctx.fleet.kill(fault.service, fault.replica);
        if (child === undefined) skip(ctx, tally, `kill -9 ${label(fault)}`);
        else {
          bump(tally.kills, fault.service);
          ctx.timeline.log(`FAULT kill -9 ${label(fault)} (pid ${child.pid})`);
        }
        break;
      }
      case "stop": {
        const child = ctx.fleet.freeze(fault.service, fault.replica);
        if (child === undefined) {
          skip(ctx, tally, `SIGSTOP ${label(fault)}`);
          break;
        }
        bump(tally.stops, fault.service);
        ctx.timeline.log(`FAULT SIGSTOP ${label(fault)} (pid ${child.pid}) for ${seconds(fault.durationMs)}`);
        resumed.push(
          sleep(fault.durationMs, undefined, ctx.signal ? { signal: ctx.signal } : {})
            .catch(() => undefined)
            .then(() => {
              const alive = ctx.fleet.thaw(child);
              ctx.timeline.log(
                alive
                  ? `SIGCONT ${label(fault)} (pid ${child.pid}) after ${seconds(fault.durationMs)}`
                  : `${label(fault)} (pid ${child.pid}) ended while stopped; nothing to resume`,
              );
            }),
        );
        break;
      }
      case "kafka":
      case "postgres": {
        if (ctx.stack === undefined) throw new Error(`the plan restarts ${fault.kind}, but the stack is not ours`);
        await restart(ctx.stack, fault.kind, fault.downMs, ctx);
        if (fault.kind === "kafka") tally.kafkaRestarts++;
        else tally.postgresRestarts++;
        break;
      }
    }
  }
  await Promise.all(resumed);
  return tally;
}

async function restart(stack: StackControl, component: Component, downMs: number, ctx: FaultContext): Promise<void> {
  const began = Date.now();
  ctx.timeline.log(`FAULT stopping ${component}`);
  await stack.stop(component);
  ctx.timeline.log(`${component} stopped in ${seconds(Date.now() - began)}; down for ${seconds(downMs)}`);
  // Even when interrupted the component is started again: the stack must be left as it was found.
  await sleep(downMs, undefined, ctx.signal ? { signal: ctx.signal } : {}).catch(() => undefined);
  const starting = Date.now();
  await stack.start(component);
  ctx.timeline.log(`${component} answering again after ${seconds(Date.now() - starting)}`);
}

function skip(ctx: FaultContext, tally: FaultTally, what: string): void {
  tally.skipped++;
  ctx.timeline.log(`FAULT ${what} skipped: the replica is down (its restart is pending)`);
}

const label = (fault: { service: PipelineServiceName; replica: number }): string => `${fault.service}#${fault.replica}`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
