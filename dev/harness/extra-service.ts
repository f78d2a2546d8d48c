import { freePort } from "./free-port.js";
import type { TestDeployment } from "./deployment.js";
import { spawnService, waitUntilReady, type RunningService, type ServiceName } from "./services.js";

/**
 * Boots one more instance of a service into a running deployment (same environment, its own health port), e.g. a
 * replacement for one a test killed. Its log lines join `deployment.logs`, and `deployment.stop()` stops it.
 */
export async function startExtraService(
  deployment: TestDeployment,
  name: ServiceName,
  options: { instance: string; env?: Record<string, string>; readyTimeoutMs?: number },
): Promise<RunningService> {
  const healthPort = await freePort();
  const service = spawnService(name, {
    healthPort,
    instance: options.instance,
    env: { ...deployment.serviceEnv, LOG_LEVEL: "debug", HEALTH_PORT: String(healthPort), ...options.env },
    onLine: (label, line) => void deployment.logs.push(`${label} ${line}`),
  });
  deployment.services.push(service);
  await waitUntilReady(service, options.readyTimeoutMs ?? 60_000);
  return service;
}

/** SIGKILLs a service (no shutdown hooks run, as in a crash or an OOM kill) and waits until it is gone. */
export async function crash(service: RunningService): Promise<void> {
  service.process.kill("SIGKILL");
  await service.exited;
}
