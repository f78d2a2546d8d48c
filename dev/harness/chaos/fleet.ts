/**
 * The processes of one campaign run: every replica of every service, each kept running as Kubernetes would (the
 * harness's supervisor restarts a process that dies, with its restart policy; the liveness prober restarts one whose
 * /healthz stops answering). The fault injector reaches the current process of a replica through it.
 */
import type { ChildProcess } from "node:child_process";
import { setMaxListeners } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { join } from "node:path";
import { waitFor } from "@data-exporter/runtime";
import { freePort } from "../free-port.js";
import { scrapeMetrics } from "../prometheus-text.js";
import { kubernetesProbes, probeLiveness, type ProbePolicy } from "../liveness.js";
import { describeExit, type RestartPolicy } from "../restart-policy.js";
import { serviceNames, spawnService, type RunningService, type PipelineServiceName } from "../services.js";
import { supervise, type Supervisor } from "../supervisor.js";
import type { Timeline } from "./timeline.js";

export interface FleetOptions {
  /** Every service's environment (the deployment's, with the campaign's tunables). */
  readonly env: Readonly<Record<string, string>>;
  readonly replicas: Readonly<Record<PipelineServiceName, number>>;
  /** One log file per replica: <service>-<replica>.log, every incarnation appended. */
  readonly logDir: string;
  readonly timeline: Timeline;
  /** Kubernetes' probes by default; null: restart only processes that exit. */
  readonly probes?: ProbePolicy | null;
  readonly restartPolicy?: RestartPolicy;
  readonly readyTimeoutMs?: number;
}

/** Counts per service. */
export type Tally = Partial<Record<PipelineServiceName, number>>;

export const bump = (tally: Tally, service: PipelineServiceName): void =>
  void (tally[service] = (tally[service] ?? 0) + 1);

interface Slot {
  readonly service: PipelineServiceName;
  readonly replica: number;
  readonly label: string;
  readonly healthPort: number;
  readonly supervisor: Supervisor<RunningService>;
  readonly log: WriteStream;
}

export interface CrashReport {
  readonly replica: string;
  readonly pid: number | undefined;
  readonly atMs: number;
  readonly exit: string;
  readonly lines: readonly string[];
}

/** Why a process the fleet signalled ended, so its exit is not mistaken for a crash. */
type Intent = "chaos kill" | "liveness" | "shutdown";

export class Fleet {
  /** Processes started again after they ended, whatever the cause. */
  readonly restarts: Tally = {};
  /** Exits nobody asked for (crashes, a process giving up), with their last log lines in the timeline. */
  readonly crashes: Tally = {};
  /** Processes the liveness or startup probe gave up on. */
  readonly probeRestarts: Tally = {};
  /** Each exit nobody caused: which replica, when (timeline offset), how, and its last output lines. */
  readonly crashReports: CrashReport[] = [];
  readonly #slots: Slot[] = [];
  readonly #intents = new WeakMap<ChildProcess, Intent>();
  readonly #frozen = new Set<ChildProcess>();
  readonly #probing = new AbortController();
  readonly #probes: Promise<void>[] = [];
  #stopping = false;

  private constructor(
    private readonly options: FleetOptions,
    readonly graphqlUrl: string,
  ) {}

  /** Starts every replica and waits until each is ready. */
  static async start(options: FleetOptions): Promise<Fleet> {
    const apiPort = await freePort();
    const fleet = new Fleet(options, `http://127.0.0.1:${apiPort}/graphql`);
    // One probe loop per replica waits on it.
    setMaxListeners(100, fleet.#probing.signal);
    for (const service of serviceNames) {
      for (let replica = 0; replica < options.replicas[service]; replica++) {
        const healthPort = service === "request-api" ? apiPort : await freePort();
        fleet.#slots.push(fleet.#supervised(service, replica, healthPort, apiPort));
      }
    }
    const probes = options.probes === undefined ? kubernetesProbes : options.probes;
    if (probes !== null) for (const slot of fleet.#slots) fleet.#probes.push(fleet.#probe(slot, probes));
    try {
      await Promise.all(fleet.#slots.map((slot) => fleet.#ready(slot, options.readyTimeoutMs ?? 180_000)));
    } catch (error) {
      await fleet.stop();
      throw error;
    }
    return fleet;
  }

  /** The replicas, as `service#replica`. */
  get labels(): string[] {
    return this.#slots.map((slot) => slot.label);
  }

  /** The running process of a replica, or undefined while it is dead (its restart pending). */
  process(service: PipelineServiceName, replica: number): ChildProcess | undefined {
    const child = this.#slot(service, replica).supervisor.current.process;
    return child.exitCode === null && child.signalCode === null ? child : undefined;
  }

  /** SIGKILL: no shutdown hook runs, as in an OOM kill. The supervisor starts it again. */
  kill(service: PipelineServiceName, replica: number): ChildProcess | undefined {
    const child = this.process(service, replica);
    if (child === undefined) return undefined;
    this.#intents.set(child, "chaos kill");
    child.kill("SIGKILL");
    return child;
  }

  /** SIGSTOP: the process keeps its sockets and locks and does nothing, until thaw(). */
  freeze(service: PipelineServiceName, replica: number): ChildProcess | undefined {
    const child = this.process(service, replica);
    if (child === undefined) return undefined;
    child.kill("SIGSTOP");
    this.#frozen.add(child);
    return child;
  }

  /** SIGCONT; false when the process ended meanwhile (a kill, or the liveness probe gave up on it). */
  thaw(child: ChildProcess): boolean {
    this.#frozen.delete(child);
    if (child.exitCode !== null || child.signalCode !== null) return false;
    child.kill("SIGCONT");
    return true;
  }

  /**
   * What is still working: replicas with a handler or an unload in flight, or not answering /metrics. Empty when
   * the fleet is idle.
   */
  async busy(): Promise<string[]> {
    const busy = await Promise.all(
      this.#slots.map(async (slot): Promise<string | undefined> => {
        const current = slot.supervisor.current;
        if (current.process.exitCode !== null || current.process.signalCode !== null) return `${slot.label} down`;
        try {
          const metrics = await scrapeMetrics(current.healthUrl, 3_000);
          const working =
            metrics.value("data_exporter_handlers_in_flight") + metrics.value("data_exporter_unloads_in_flight");
          return working > 0 ? `${slot.label} busy (${working} in flight)` : undefined;
        } catch {
          return `${slot.label} not answering /metrics`;
        }
      }),
    );
    return busy.filter((line): line is string => line !== undefined);
  }

  /** Thaws what is frozen, stops every replica (SIGTERM, then SIGKILL) and the probes. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const child of [...this.#frozen]) this.thaw(child);
    this.#probing.abort();
    await Promise.all(
      this.#slots.map(async (slot) => {
        this.#intents.set(slot.supervisor.current.process, "shutdown");
        await slot.supervisor.stop(10_000);
      }),
    );
    await Promise.all(this.#probes);
    await Promise.all(this.#slots.map((slot) => new Promise((resolve) => slot.log.end(resolve))));
  }

  #slot(service: PipelineServiceName, replica: number): Slot {
    const slot = this.#slots.find((s) => s.service === service && s.replica === replica);
    if (slot === undefined) throw new Error(`the fleet has no ${service}#${replica}`);
    return slot;
  }

  #supervised(service: PipelineServiceName, replica: number, healthPort: number, apiPort: number): Slot {
    const label = `${service}#${replica}`;
    const log = createWriteStream(join(this.options.logDir, `${service}-${replica}.log`), { flags: "a" });
    let incarnation = 0;
    const start = (): RunningService => {
      incarnation++;
      const tail: string[] = [];
      const instance = spawnService(service, {
        healthPort,
        instance: String(replica),
        env: {
          ...this.options.env,
          HEALTH_PORT: String(healthPort),
          PORT: String(apiPort),
          // Lifecycle events name the worker: replica and incarnation, readable in the topic and the logs.
          WORKER_ID: `${label}.${incarnation}`,
        },
        onLine: (_, line) => {
          log.write(`${line}\n`);
          tail.push(line);
          if (tail.length > 1000) tail.shift();
        },
      });
      log.write(`# ${new Date().toISOString()} ${label} incarnation ${incarnation} pid ${instance.process.pid}\n`);
      // Its output is complete once the pipes closed, which follows the exit: its last words come in between.
      const closed = new Promise<void>((resolve) => {
        instance.process.once("close", () => resolve());
        void instance.exit.then(() => setTimeout(resolve, 2_000));
      });
      void instance.exit.then(async (exit) => {
        const atMs = this.options.timeline.elapsedMs;
        await closed;
        const intent = this.#intents.get(instance.process);
        log.write(
          `# ${new Date().toISOString()} ${label} pid ${instance.process.pid} exited (${describeExit(exit)})\n`,
        );
        if (intent !== undefined || this.#stopping) return;
        bump(this.crashes, service);
        this.crashReports.push({
          replica: label,
          pid: instance.process.pid,
          atMs,
          exit: describeExit(exit),
          lines: [...tail],
        });
        this.options.timeline.log(
          `${label} (pid ${instance.process.pid}) exited by itself (${describeExit(exit)}); its last lines:\n    ${tail
            .slice(-6)
            .map((line) => line.slice(0, 400))
            .join("\n    ")}`,
        );
      });
      return instance;
    };
    const supervisor = supervise(start, {
      name: label,
      ...(this.options.restartPolicy === undefined ? {} : { policy: this.options.restartPolicy }),
      log: (line) => this.options.timeline.log(line),
      onRestart: (instance) => {
        bump(this.restarts, service);
        this.options.timeline.log(`${label} started again (pid ${instance.process.pid})`);
      },
    });
    return { service, replica, label, healthPort, supervisor, log };
  }

  #probe(slot: Slot, policy: ProbePolicy): Promise<void> {
    return probeLiveness(
      {
        current: () => slot.supervisor.current,
        restart: async (reason) => {
          const instance = slot.supervisor.current;
          this.#intents.set(instance.process, "liveness");
          bump(this.probeRestarts, slot.service);
          this.options.timeline.log(`${slot.label} (pid ${instance.process.pid}): ${reason}; restarting it`);
          // A kubelet sends SIGTERM, then SIGKILL after the grace period.
          await instance.stop(10_000);
        },
      },
      policy,
      this.#probing.signal,
    );
  }

  async #ready(slot: Slot, timeoutMs: number): Promise<void> {
    await waitFor(
      `${slot.label} to be ready`,
      async () => {
        const response = await fetch(slot.supervisor.current.readyUrl, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        return response.ok ? true : undefined;
      },
      { timeoutMs, intervalMs: 500 },
    );
  }
}
