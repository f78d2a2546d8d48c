import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A readiness check answers from state it already holds: /readyz must never wait on slow work. */
export type ReadinessCheck = () => boolean;

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

export interface HealthRoutes {
  readiness: Record<string, ReadinessCheck>;
  /** Checks whose failure means the process is broken for good (e.g. a consumer kafkajs will not restart). */
  liveness?: Record<string, ReadinessCheck>;
  /** What /metrics serves: a prom-client registry (the Prometheus text exposition format). */
  metrics?: MetricsSource;
}

/** The part of a prom-client `Registry` /metrics needs. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export function handleHealthRequest(req: IncomingMessage, res: ServerResponse, routes: HealthRoutes): boolean {
  const path = (req.url ?? "/").split("?")[0];
  if (path === "/healthz") {
    const failed = Object.entries(routes.liveness ?? {})
      .filter(([, check]) => !safe(check))
      .map(([name]) => name);
    send(res, failed.length === 0 ? 200 : 503, failed.length === 0 ? { status: "ok" } : { status: "broken", failed });
    return true;
  }
  if (path === "/readyz") {
    const checks = Object.fromEntries(Object.entries(routes.readiness).map(([name, check]) => [name, safe(check)]));
    const ready = Object.values(checks).every(Boolean);
    send(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready", checks });
    return true;
  }
  if (path === "/metrics" && routes.metrics) {
    void sendMetrics(res, routes.metrics);
    return true;
  }
  return false;
}

export async function startHealthServer(port: number, routes: HealthRoutes): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    if (!handleHealthRequest(req, res, routes)) send(res, 404, { error: "not found" });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "0.0.0.0", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function safe(check: ReadinessCheck): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

async function sendMetrics(res: ServerResponse, source: MetricsSource): Promise<void> {
  try {
    const body = await source.metrics();
    res.writeHead(200, { "content-type": source.contentType });
    res.end(body);
  } catch (error) {
    send(res, 500, { error: `metrics unavailable: ${error instanceof Error ? error.message : String(error)}` });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
