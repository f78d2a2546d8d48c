import { describe, expect, it } from "@jest/globals";
import type { UnloadTableCommand } from "@data-exporter/contracts";
import { TableNotFoundError, WarehouseQueryError } from "@data-exporter/warehouse";
import { runUnload, type TableEvent, type UnloaderDeps } from "../../src/handlers/run-unload.js";

const command: UnloadTableCommand = {
  requestId: "r1",
  mode: "ON_DEMAND",
  exportDate: null,
  windowStart: 0,
  windowEnd: 1,
  table: "way",
  schema: "pm_internal",
  timeColumn: null,
  columns: [{ name: "way_id", treatment: "AS_IS", roundDigits: null }],
  rowFilter: { sourceColumn: null, allowedSources: [], unrestrictedSources: [], metricColumn: null, allowedMetrics: [] },
  audit: [],
  outputPrefix: "p/",
  fileBaseName: "way",
  configVersion: "cfg",
  attempt: 1,
  issuedAt: 0,
};
const result = { rows: 3, bytes: 30, files: [{ key: "p/way_000.parquet", rows: 3, bytes: 30, sha256: "ab" }], manifestKey: "p/manifest" };

function harness(outcomes: Array<Error | "ok">, maxAttempts = 3) {
  const events: TableEvent[] = [];
  const sleeps: number[] = [];
  let call = 0;
  const deps: UnloaderDeps = {
    unload: () => {
      const next = outcomes[call++];
      return next === "ok" ? Promise.resolve(result) : Promise.reject(next ?? new Error("no more outcomes"));
    },
    publish: (event) => Promise.resolve(void events.push(event)),
    maxAttempts,
    backoffMs: (attempt) => 100 * attempt,
    sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    timeoutMs: 60_000,
    worker: "w1",
    now: () => 42,
    shutdown: new AbortController().signal,
  };
  return { deps, events, sleeps };
}

describe("runUnload", () => {
  it("publishes Started then Completed with the files", async () => {
    const { deps, events } = harness(["ok"]);
    expect((await runUnload(command, deps)).status).toBe("COMPLETED");
    expect(events.map((e) => e.type)).toEqual(["TableUnloadStarted", "TableUnloadCompleted"]);
    expect(events[1]?.value).toMatchObject({ rows: 3, bytes: 30, manifestKey: "p/manifest", attempt: 1 });
  });

  it("retries a retryable failure with backoff, then succeeds", async () => {
    const { deps, events, sleeps } = harness([new WarehouseQueryError("connection reset", { retryable: true }), "ok"]);
    const outcome = await runUnload(command, deps);
    expect(outcome).toMatchObject({ status: "COMPLETED", attempts: 2 });
    expect(events.map((e) => [e.type, e.value.attempt])).toEqual([
      ["TableUnloadStarted", 1],
      ["TableUnloadFailed", 1],
      ["TableUnloadStarted", 2],
      ["TableUnloadCompleted", 2],
    ]);
    expect(events[1]?.value).toMatchObject({ finalAttempt: false, retryable: true, errorKind: "WAREHOUSE_QUERY" });
    expect(sleeps).toEqual([100]);
  });

  it("fails for good after maxAttempts", async () => {
    const transient = () => new WarehouseQueryError("connection reset", { retryable: true });
    const { deps, events } = harness([transient(), transient(), transient()], 3);
    expect(await runUnload(command, deps)).toMatchObject({ status: "FAILED", attempts: 3 });
    const failures = events.filter((e) => e.type === "TableUnloadFailed").map((e) => (e.value as { finalAttempt: boolean }).finalAttempt);
    expect(failures).toEqual([false, false, true]);
  });

  it("does not retry what cannot succeed", async () => {
    const { deps, events } = harness([new TableNotFoundError("pm_internal", "way")]);
    expect(await runUnload(command, deps)).toMatchObject({ status: "FAILED", attempts: 1, error: { kind: "WAREHOUSE_QUERY", message: "table pm_internal.way does not exist" } });
    expect(events.at(-1)?.value).toMatchObject({ finalAttempt: true });
  });

  it("reports an untyped error as UNKNOWN without leaking its message", async () => {
    const { deps, events } = harness([new Error("secret stack detail")]);
    await runUnload(command, deps);
    expect(events.at(-1)?.value).toMatchObject({ errorKind: "UNKNOWN", errorMessage: "unexpected unloader error" });
  });
});
