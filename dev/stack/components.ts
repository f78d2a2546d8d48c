import type { EnsureOutcome } from "./context.js";
import { StackError } from "./errors.js";

/** One process of the local stack (Kafka, PostgreSQL, moto) as provisioning drives it. */
export interface Component<N extends string = string> {
  readonly name: N;
  /** True while the process this stack recorded for it (pids/<name>.pid) runs. */
  running(): boolean;
  /** Reuses the running process or starts one, and waits until it answers. */
  ensure(): Promise<EnsureOutcome>;
  /** Stops the recorded process if it still is ours; false when none ran. */
  stop(): Promise<boolean>;
}

/** Work that is part of provisioning without being a process: a download, creating the databases. */
export interface Step {
  readonly name: string;
  run(): Promise<unknown>;
}

export interface EnsureComponentsOptions {
  /** Run in parallel with the components (downloads). */
  readonly alongside?: readonly Step[];
  /** Run in order once every component answers (databases). */
  readonly then?: readonly Step[];
  readonly log: (msg: string) => void;
  /** Aborted (Ctrl-C): the `then` steps are skipped and what was started is stopped, as after a failure. */
  readonly signal?: AbortSignal;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Ensures every component (in parallel, with the `alongside` steps), then runs the `then` steps. If anything fails,
 * the components that were not running before this call are stopped, by their recorded pid, so a failed run leaves
 * no process holding a port for the next one to trip over; components that were already running stay. The error
 * (PROVISION_FAILED, the first failure as cause, the failed steps as component) names each failure and what was
 * stopped. Every start is awaited before stopping: one still starting could otherwise record its pid after the stop.
 */
export async function ensureComponents<N extends string>(
  components: readonly Component<N>[],
  options: EnsureComponentsOptions,
): Promise<{ started: N[]; reused: N[] }> {
  const runningBefore = new Set(components.filter((c) => c.running()).map((c) => c.name));
  const started: N[] = [];
  const reused: N[] = [];
  const failures: { step: string; error: unknown }[] = [];
  const attempt = async (step: string, fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
    } catch (error) {
      failures.push({ step, error });
    }
  };
  await Promise.all([
    ...components.map((c) =>
      attempt(c.name, async () => void ((await c.ensure()) === "started" ? started : reused).push(c.name)),
    ),
    ...(options.alongside ?? []).map((s) => attempt(s.name, () => s.run())),
  ]);
  let interrupted = false;
  for (const s of options.then ?? []) {
    interrupted = options.signal?.aborted === true;
    if (failures.length > 0 || interrupted) break;
    await attempt(s.name, () => s.run());
  }
  const order = (names: N[]): N[] => components.map((c) => c.name).filter((n) => names.includes(n));
  if (failures.length === 0 && !interrupted) return { started: order(started), reused: order(reused) };

  const stopped: N[] = [];
  const notStopped: string[] = [];
  await Promise.all(
    components
      .filter((c) => !runningBefore.has(c.name))
      .map(async (c) => {
        try {
          if (await c.stop()) {
            stopped.push(c.name);
            options.log(`${c.name}: stopped (started by this run, which failed)`);
          }
        } catch (error) {
          notStopped.push(`${c.name} (${message(error)})`);
        }
      }),
  );
  // Stack errors already start with their component's name.
  const lines = failures.map(({ step, error }): string => {
    const text = message(error).startsWith(step) ? message(error) : `${step}: ${message(error)}`;
    const log = error instanceof StackError ? error.logFile : undefined;
    return log === undefined || text.includes(log) ? text : `${text}\n  (log: ${log})`;
  });
  if (stopped.length > 0) lines.push(`stopped ${order(stopped).join(", ")}, which this run had started`);
  if (notStopped.length > 0) lines.push(`could not stop ${notStopped.join(", ")}`);
  const failed = failures.map((f) => f.step).join(", ");
  const header = `local stack not provisioned (${failures.length > 0 ? `${failed} failed` : "interrupted"})`;
  throw new StackError(failures.length > 0 ? "PROVISION_FAILED" : "INTERRUPTED", [header, ...lines].join("\n"), {
    cause: failures[0]?.error,
    component: failed,
  });
}
