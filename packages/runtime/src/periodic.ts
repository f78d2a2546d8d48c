import type { AsyncResourceStack } from "./disposable-stack.js";
import type { Logger } from "./logger.js";

/**
 * Runs `task` every `intervalMs` (the first run after one interval), never two runs at once. A failed run is
 * logged and the next one tries again. Shutdown waits for a run in progress, then stops the timer.
 */
export function startPeriodic(
  service: { readonly resources: AsyncResourceStack; readonly log: Pick<Logger, "warn"> },
  options: { readonly name: string; readonly intervalMs: number; readonly run: () => Promise<void> },
): void {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = options
      .run()
      .catch((error: unknown) => service.log.warn({ err: error, task: options.name }, "periodic task failed"))
      .finally(() => (running = undefined));
  }, options.intervalMs);
  timer.unref();
  service.resources.defer(async () => {
    clearInterval(timer);
    await running;
  });
}
