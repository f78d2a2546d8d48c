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
    server = await startHealthServer(0, { readiness: { kafka: () => connected }, metrics: () => ({ handled: 3 }) });
    expect(await get("/healthz")).toEqual({ status: 200, body: { status: "ok" } });
    expect(await get("/readyz")).toEqual({ status: 503, body: { status: "not ready", checks: { kafka: false } } });
    connected = true;
    expect((await get("/readyz")).status).toBe(200);
    expect(await get("/metrics")).toEqual({ status: 200, body: { handled: 3 } });
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
