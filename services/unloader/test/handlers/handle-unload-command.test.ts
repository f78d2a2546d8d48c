import { describe, expect, it } from "@jest/globals";
import type { TableUnloadEvent, UnloadTableCommand } from "@data-exporter/contracts";
import { WarehouseError } from "@data-exporter/warehouse";
import { handleUnloadCommand, type UnloadCommandDeps } from "../../src/handlers/handle-unload-command.js";
import { UnloadGauges } from "../../src/handlers/unload-gauges.js";
import { MemoryUnloadJobs } from "../support/memory-jobs.js";

const command = {
  requestId: "r1",
  table: "way",
  attempt: 1,
  issuedAt: 0,
  outputPrefix: "p/",
  snapshot: null,
} as unknown as UnloadTableCommand;
const result = { rows: 3, bytes: 30, files: [], manifestKey: "p/manifest", manifestVersionId: null };

function deps(outcome: "ok" | Error, shutdown = new AbortController().signal) {
  const events: TableUnloadEvent[] = [];
  const logs: string[] = [];
  const gauges = new UnloadGauges(4);
  let inFlightDuringUnload = -1;
  let signalSeen: AbortSignal | undefined;
  const d: UnloadCommandDeps = {
    acquireSlot: () => Promise.resolve({ lost: new AbortController().signal, release: () => Promise.resolve() }),
    unload: (_c, { signal }) => {
      inFlightDuringUnload = gauges.inFlight;
      signalSeen = signal;
      return outcome === "ok" ? Promise.resolve(result) : Promise.reject(outcome);
    },
    publish: (event) => Promise.resolve(void events.push(event)),
    jobs: new MemoryUnloadJobs(() => 1),
    leaseMs: 60_000,
    heartbeatMs: 20_000,
    onHeartbeatError: () => undefined,
    maxCommandAgeMs: 60_000,
    maxAttempts: 1,
    backoffMs: () => 1,
    sleep: () => Promise.resolve(),
    timeoutMs: 60_000,
    worker: "w",
    now: () => 1,
    shutdown,
    onUnexpectedError: () => undefined,
    gauges,
    log: {
      info: (_c: unknown, m?: string) => void logs.push(m ?? ""),
      warn: (_c: unknown, m?: string) => void logs.push(m ?? ""),
    } as UnloadCommandDeps["log"],
  };
  return { d, events, logs, gauges, inFlight: () => inFlightDuringUnload, signal: () => signalSeen };
}

describe("handleUnloadCommand", () => {
  it("counts a completed unload and its time in flight", async () => {
    const { d, logs, gauges, inFlight } = deps("ok");
    await handleUnloadCommand(command, new AbortController().signal, d);
    expect(inFlight()).toBe(1);
    expect(gauges.metrics()).toMatchObject({ unloads_in_flight: 0, unloads_completed: 1, unloads_failed: 0 });
    expect(logs).toEqual(["unload started", "unload completed"]);
  });

  it("counts a table that failed for good as an outcome, not an exception", async () => {
    const { d, logs, gauges, events } = deps(new WarehouseError("TABLE_NOT_FOUND", "WAREHOUSE_QUERY", "gone"));
    await handleUnloadCommand(command, new AbortController().signal, d);
    expect(gauges.metrics()).toMatchObject({ unloads_in_flight: 0, unloads_completed: 0, unloads_failed: 1 });
    expect(events.at(-1)?.type).toBe("TableUnloadFailed");
    expect(logs.at(-1)).toBe("unload failed");
  });

  it("stops the unload when the partition is taken away (the consumer's signal), as on shutdown", async () => {
    const { d, signal } = deps("ok");
    const partition = new AbortController();
    await handleUnloadCommand(command, partition.signal, d);
    partition.abort(new Error("rebalance"));
    expect(signal()?.aborted).toBe(true);
  });
});

describe("UnloadGauges", () => {
  it("reports the names /metrics has always had", () => {
    expect(Object.keys(new UnloadGauges(2).metrics()).sort()).toEqual([
      "unload_slot_limit",
      "unload_slots_held",
      "unloads_completed",
      "unloads_failed",
      "unloads_in_flight",
      "unloads_waiting_for_slot",
    ]);
  });
});
