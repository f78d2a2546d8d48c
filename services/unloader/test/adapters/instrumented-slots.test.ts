import { describe, expect, it } from "@jest/globals";
import type { AcquireHooks, Semaphore, SemaphoreLease } from "@data-exporter/concurrency";
import type { UnloadTableCommand } from "@data-exporter/contracts";
import { instrumentedSlots } from "../../src/adapters/instrumented-slots.js";
import { UnloadGauges } from "../../src/handlers/unload-gauges.js";

const command = { requestId: "r1", table: "way", attempt: 2 } as UnloadTableCommand;

/** A semaphore that makes the caller wait once, then grants slot 0 with a lease whose loss the test controls. */
function waitingSemaphore(): { semaphore: Semaphore; grant: () => void; lose: () => void; released: () => number } {
  let grant = (): void => undefined;
  const lost = new AbortController();
  let releases = 0;
  const lease: SemaphoreLease = {
    slot: 0,
    lost: lost.signal,
    release: () => Promise.resolve(void releases++),
  };
  const semaphore = {
    acquire: (_signal?: AbortSignal, hooks?: AcquireHooks) =>
      new Promise<SemaphoreLease>((resolve) => {
        hooks?.onWait?.();
        grant = () => resolve(lease);
      }),
  };
  return { semaphore, grant: () => grant(), lose: () => lost.abort(), released: () => releases };
}

describe("instrumentedSlots", () => {
  it("counts waiting and held slots and logs the wait, a lost slot and nothing else", async () => {
    const { semaphore, grant, lose, released } = waitingSemaphore();
    const gauges = new UnloadGauges(1);
    const logs: string[] = [];
    const log = {
      info: (_c: unknown, m?: string) => void logs.push(m ?? ""),
      warn: (_c: unknown, m?: string) => void logs.push(m ?? ""),
    } as Parameters<typeof instrumentedSlots>[2];
    const acquiring = instrumentedSlots(semaphore, gauges, log, 1)(new AbortController().signal, command);
    expect(gauges).toMatchObject({ waitingForSlot: 1, slotsHeld: 0 });
    grant();
    const slot = await acquiring;
    expect(gauges).toMatchObject({ waitingForSlot: 0, slotsHeld: 1 });
    lose();
    expect(slot.lost.aborted).toBe(true);
    await slot.release();
    expect(released()).toBe(1);
    expect(gauges).toMatchObject({ slotsHeld: 0 });
    expect(logs).toEqual([
      "waiting for an unload slot",
      "got an unload slot",
      "lost the unload slot; stopping the attempt",
    ]);
  });
});
