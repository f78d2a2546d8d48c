import { describe, expect, it } from "@jest/globals";
import type { TableUnloadEvent, UnloadTableCommand } from "@data-exporter/contracts";
import { WarehouseError } from "@data-exporter/warehouse";
import { handleUnloadCommand, type UnloadCommandDeps } from "../../src/handlers/handle-unload-command.js";
import { UnloadGauges, type UnloadFinished } from "../../src/handlers/unload-gauges.js";
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
  const finished: UnloadFinished[] = [];
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
    unloadFinished: (f) => void finished.push(f),
    log: {
      info: (_c: unknown, m?: string) => void logs.push(m ?? ""),
      warn: (_c: unknown, m?: string) => void logs.push(m ?? ""),
    } as UnloadCommandDeps["log"],
  };
  return { d, events, logs, gauges, finished, inFlight: () => inFlightDuringUnload, signal: () => signalSeen };
}

describe("handleUnloadCommand", () => {
  it("counts a completed unload and its time in flight", async () => {
    const { d, logs, gauges, finished, inFlight } = deps("ok");
    await handleUnloadCommand(command, new AbortController().signal, d);
    expect(inFlight()).toBe(1);
    expect(gauges).toMatchObject({ inFlight: 0, completed: 1, failed: 0 });
    expect(finished).toEqual([{ outcome: "completed", seconds: 0, rows: 3, bytes: 30 }]);
    expect(logs).toEqual(["unload started", "unload completed"]);
  });

  it("counts a table that failed for good as an outcome, not an exception", async () => {
    const { d, logs, gauges, finished, events } = deps(
      new WarehouseError("TABLE_NOT_FOUND", "WAREHOUSE_QUERY", "gone"),
    );
    await handleUnloadCommand(command, new AbortController().signal, d);
    expect(gauges).toMatchObject({ inFlight: 0, completed: 0, failed: 1 });
    expect(finished).toEqual([{ outcome: "failed", seconds: 0, rows: 0, bytes: 0 }]);
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
