import type { z } from "zod";
import { loadConfig, type Env } from "./config.js";
import { AsyncResourceStack } from "./disposable-stack.js";
import { ConfigError } from "./errors.js";
import { startHealthServer, type HealthRoutes } from "./health-server.js";
import { createLogger, type Logger } from "./logger.js";
import { livenessChecks } from "./liveness.js";
import { collectProcessMetrics, processRegistry } from "./metric-registry.js";
import { startTracing } from "./tracing.js";
import { tracingEnvSchema, type TracingConfig } from "./tracing-config.js";

export interface ServiceContext<C> {
  readonly config: C;
  readonly log: Logger;
  /** Defer each resource's close right after creating it; shutdown runs them in reverse order. */
  readonly resources: AsyncResourceStack;
}

export interface ServiceDefinition<S extends z.ZodObject> {
  readonly name: string;
  readonly configSchema: S;
  /** Builds adapters, wires handlers and starts intake. Returns the readiness checks of its dependencies. */
  readonly start: (ctx: ServiceContext<Readonly<z.infer<S>>>) => Promise<HealthRoutes>;
  /** Set when the service serves health routes itself (request-api shares its GraphQL port). */
  readonly healthPort?: (config: Readonly<z.infer<S>>) => number | undefined;
}

interface BaseConfig {
  LOG_LEVEL: string;
  SHUTDOWN_TIMEOUT_MS: number;
  HEALTH_PORT?: number;
}

/**
 * The lifecycle every service shares: validated config, JSON logs, /healthz and /readyz, and on SIGTERM/SIGINT
 * an orderly shutdown (stop intake, finish in-flight work, close) bounded by a hard timeout.
 */
export async function runService<S extends z.ZodObject>(definition: ServiceDefinition<S>, env: Env): Promise<void> {
  let config: Readonly<z.infer<S>> & BaseConfig;
  let tracingConfig: TracingConfig;
  try {
    // One parse, so one message lists every bad variable, the OTEL_* ones included.
    const parsed = loadConfig(definition.configSchema.safeExtend(tracingEnvSchema.shape), env);
    config = parsed as unknown as Readonly<z.infer<S>> & BaseConfig;
    tracingConfig = parsed as unknown as TracingConfig;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${definition.name}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger({ service: definition.name, level: config.LOG_LEVEL });
  const resources = new AsyncResourceStack();
  // First on the stack, so spans of the shutdown itself are still flushed when it closes last.
  const tracing = startTracing(definition.name, tracingConfig);
  resources.defer(() => tracing.shutdown());
  log.info({ traces: tracing.export }, "tracing");
  let stopping = false;

  const shutdown = async (reason: string, exitCode: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ reason }, "shutting down");
    const timer = setTimeout(() => {
      log.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, "graceful shutdown timed out; exiting");
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    try {
      await resources.disposeAsync();
      log.info("stopped");
    } catch (error) {
      log.error({ err: error }, "error while shutting down");
      exitCode = exitCode || 1;
    }
    process.exit(exitCode);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM", 0));
  process.once("SIGINT", () => void shutdown("SIGINT", 0));

  try {
    const routes = await definition.start({ config, log, resources });
    const port = definition.healthPort ? definition.healthPort(config) : config.HEALTH_PORT;
    if (port !== undefined) {
      const health = await startHealthServer(port, withProcessMetrics(routes));
      resources.defer(() => health.close());
      log.info({ healthPort: health.port }, "health endpoints listening");
    }
    log.info("started");
  } catch (error) {
    log.fatal({ err: error }, "failed to start");
    await shutdown("start-up failure", 1);
  }
}

/**
 * Adds what the runtime tracks for the whole process: the process registry (the runtime's consumer metrics, the
 * service's own, Node's) at /metrics, and the liveness of every consumer to /healthz, so a consumer kafkajs gave up
 * on gets the pod restarted.
 */
export function withProcessMetrics(routes: HealthRoutes): HealthRoutes {
  collectProcessMetrics();
  return {
    ...routes,
    liveness: { ...Object.fromEntries(livenessChecks), ...routes.liveness },
    metrics: processRegistry,
  };
}
