import { describe, expect, it } from "@jest/globals";
import { encodeEvent } from "@data-exporter/contracts";
import {
  applyLifecycleEvent,
  applyRequested,
  requestedState,
  type ExportRequestState,
} from "@data-exporter/status-store";
import {
  defaultMixShape,
  keyOf,
  mixEvents,
  planMix,
  sequentialUuid,
  type MixEvent,
  type MixShape,
} from "../tracker/lifecycle-mix.js";

const ids = { requestId: (n: number) => sequentialUuid("0badcafe", n), startedAt: Date.UTC(2026, 0, 1) };
const all = (target: number, shape: MixShape = defaultMixShape): MixEvent[] =>
  [...mixEvents(planMix(target, shape), ids, shape)].flat();

/** The read model the tracker would build from these events, applied in topic order with the real transitions. */
function replay(events: readonly MixEvent[]): Map<string, ExportRequestState> {
  const states = new Map<string, ExportRequestState>();
  for (const { topic, event } of events) {
    const id = event.value.requestId;
    const current = states.get(id);
    const transition =
      topic === "exportRequested"
        ? event.type === "ExportRequested"
          ? applyRequested(current, requestedState(event.value, "ON_DEMAND"))
          : undefined
        : applyLifecycleEvent(current, event);
    if (transition) states.set(id, transition.state);
  }
  return states;
}

describe("the tracker bench's lifecycle mix", () => {
  it("plans whole exports reaching the target, and generates exactly the events it counts", () => {
    for (const target of [1, 17, 10_000]) {
      const plan = planMix(target);
      const events = all(target);
      expect(plan.events).toBeGreaterThanOrEqual(target);
      expect(events).toHaveLength(plan.events);
      expect(events.filter((e) => e.topic === "exportRequested")).toHaveLength(plan.requestedEvents);
      expect(events.filter((e) => e.topic === "exportLifecycle")).toHaveLength(plan.lifecycleEvents);
      expect(events.filter((e) => e.event.type === "TableUnloadCompleted")).toHaveLength(plan.completedTables);
      expect(events.filter((e) => e.event.type === "TableUnloadFailed")).toHaveLength(plan.retriedTables);
      // One export fewer would not have reached the target.
      expect(planMix(plan.events - 1).requests).toBe(plan.requests);
    }
    expect(planMix(10_000).retriedTables).toBe(Math.floor(planMix(10_000).completedTables / 10));
  });

  it("ends every export COMPLETED with every table COMPLETED once applied, in the interleaved order", () => {
    const plan = planMix(2_000);
    const states = replay(all(2_000));
    expect(states.size).toBe(plan.requests);
    for (const state of states.values()) {
      expect(state.status).toBe("COMPLETED");
      expect(state.requestRecorded).toBe(true);
      expect(state.tables).toHaveLength(defaultMixShape.tablesPerRequest);
      expect(state.tables.every((t) => t.status === "COMPLETED")).toBe(true);
    }
  });

  it("interleaves concurrent exports while keeping each export's events in order", () => {
    const shape = { ...defaultMixShape, concurrentRequests: 3 };
    const events = all(200, shape);
    // The first three events are the three concurrent exports' requests.
    expect(events.slice(0, 3).map((e) => e.event.type)).toEqual([
      "ExportRequested",
      "ExportRequested",
      "ExportRequested",
    ]);
    const first = events.filter((e) => e.event.value.requestId === ids.requestId(0)).map((e) => e.event.type);
    expect(first[0]).toBe("ExportRequested");
    expect(first[1]).toBe("ExportPlanned");
    expect(first.at(-1)).toBe("TableUnloadCompleted");
  });

  it("makes events the contracts accept, keyed by their request id", () => {
    for (const mixEvent of all(100)) {
      const { event } = mixEvent;
      expect(() => encodeEvent(event.type, event.value as never)).not.toThrow();
      expect(keyOf(mixEvent)).toBe(event.value.requestId);
    }
  });

  it("rejects a target below one event and malformed id prefixes", () => {
    expect(() => planMix(0)).toThrow(RangeError);
    expect(() => sequentialUuid("xyz", 1)).toThrow(RangeError);
    expect(sequentialUuid("0badcafe", 255)).toBe("0badcafe-0000-4000-8000-0000000000ff");
  });
});
