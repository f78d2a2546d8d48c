import { afterEach, describe, expect, it } from "@jest/globals";
import { startHealthServer, type HealthServer } from "../src/index.js";

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${server?.port ?? 0}${path}`);
  return { status: response.status, body: await response.json() };
}

describe("health server", () => {
  it("answers /healthz while alive, /readyz from the readiness checks and /metrics", async () => {
    let connected = false;
    const metrics = { contentType: "text/plain; version=0.0.4", metrics: () => Promise.resolve("handled_total 3\n") };
    server = await startHealthServer(0, { readiness: { kafka: () => connected }, metrics });
    expect(await get("/healthz")).toEqual({ status: 200, body: { status: "ok" } });
    expect(await get("/readyz")).toEqual({ status: 503, body: { status: "not ready", checks: { kafka: false } } });
    connected = true;
    expect((await get("/readyz")).status).toBe(200);
    const scraped = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get("content-type")).toBe("text/plain; version=0.0.4");
    expect(await scraped.text()).toBe("handled_total 3\n");
  });

  it("answers 500 when the metrics cannot be collected", async () => {
    const metrics = { contentType: "text/plain", metrics: () => Promise.reject(new Error("collector broke")) };
    server = await startHealthServer(0, { readiness: {}, metrics });
    expect(await get("/metrics")).toEqual({ status: 500, body: { error: "metrics unavailable: collector broke" } });
  });

  it("fails /healthz when a liveness check fails (or throws), so the process gets restarted", async () => {
    let alive = true;
    server = await startHealthServer(0, {
      readiness: {},
      liveness: {
        consumer: () => alive,
        broken: () => {
          if (!alive) throw new Error("boom");
          return true;
        },
      },
    });
    expect((await get("/healthz")).status).toBe(200);
    alive = false;
    expect(await get("/healthz")).toEqual({ status: 503, body: { status: "broken", failed: ["consumer", "broken"] } });
  });
});
