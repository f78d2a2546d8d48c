import {
  defaultRestartPolicy,
  describeRestart,
  nextRestart,
  noRestarts,
  type ProcessExit,
  type RestartPolicy,
} from "./restart-policy.js";
import type { RunningService } from "./services.js";

/** What the supervisor needs of one run of a process. */
export interface Instance {
  /** Resolves once the process has ended, however it ended. */
  readonly exit: Promise<ProcessExit>;
  stop(timeoutMs?: number): Promise<void>;
}

export interface SupervisorOptions<T extends Instance = Instance> {
  /** Names the process in log lines. */
  readonly name: string;
  readonly policy?: RestartPolicy;
  /** One line per exit and restart decision. */
  readonly log: (message: string) => void;
  /** Called with each instance started after a death (not the first). */
  readonly onRestart?: (instance: T, restarts: number) => void;
}

export interface Supervisor<T extends Instance> {
  /** The instance running now, or the dead one while its restart is pending. */
  readonly current: T;
  readonly restarts: number;
  /** Resolves with the last instance's exit once stop() has stopped it. */
  readonly stopped: Promise<ProcessExit>;
  /** Cancels a pending restart, stops the current instance and starts nothing after it. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Keeps a process running as Kubernetes keeps a container running: whenever an instance dies (crash, kill -9, exit
 * with any code) a new one is started after the policy's backoff, until stop() is called. The first start() runs at
 * once and may throw; a later one that throws counts as one more crash.
 */
export function supervise<T extends Instance>(start: () => T, options: SupervisorOptions<T>): Supervisor<T> {
  const policy = options.policy ?? defaultRestartPolicy;
  let state = noRestarts;
  let stopping = false;
  let pending: NodeJS.Timeout | undefined;
  let current: T;
  let resolveStopped!: (exit: ProcessExit) => void;
  const stopped = new Promise<ProcessExit>((resolve) => (resolveStopped = resolve));

  const crashed = (exit: ProcessExit, startedAt: number): void => {
    if (stopping) return;
    const decision = nextRestart(policy, state, Date.now() - startedAt);
    state = decision.state;
    options.log(describeRestart(options.name, exit, decision));
    pending = setTimeout(() => {
      pending = undefined;
      if (stopping) return;
      const restartedAt = Date.now();
      try {
        watch(start());
      } catch (error) {
        options.log(`${options.name} could not be started: ${error instanceof Error ? error.message : String(error)}`);
        crashed({ code: null, signal: null }, restartedAt);
        return;
      }
      options.onRestart?.(current, state.restarts);
    }, decision.delayMs);
  };

  const watch = (instance: T): void => {
    current = instance;
    const startedAt = Date.now();
    void instance.exit.then((exit) => instance === current && crashed(exit, startedAt));
  };

  watch(start());
  return {
    get current() {
      return current;
    },
    get restarts() {
      return state.restarts;
    },
    stopped,
    async stop(timeoutMs) {
      if (!stopping) {
        stopping = true;
        clearTimeout(pending);
        await current.stop(timeoutMs);
        resolveStopped(await current.exit);
      }
      await stopped;
    },
  };
}

/**
 * A service that `npm start` keeps running: a RunningService whose process is replaced whenever it dies. Its
 * `exit` and `exited` resolve only once `stop()` has stopped it for good; `process` is the current child.
 */
export function restartingService(
  start: () => RunningService,
  options: SupervisorOptions<RunningService>,
): RunningService & { readonly restarts: number } {
  const supervisor = supervise(start, options);
  const { name, healthUrl, readyUrl } = supervisor.current;
  return {
    name,
    healthUrl,
    readyUrl,
    get process() {
      return supervisor.current.process;
    },
    get restarts() {
      return supervisor.restarts;
    },
    exit: supervisor.stopped,
    exited: supervisor.stopped.then((exit) => exit.code),
    stop: (timeoutMs) => supervisor.stop(timeoutMs),
  };
}
