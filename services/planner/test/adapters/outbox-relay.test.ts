import { describe, expect, it } from "@jest/globals";
import { OutboxRelay, type RelayDeps } from "../../src/adapters/outbox-relay.js";
import type { QueuedEvent } from "../../src/adapters/planner-state.js";

const event = (id: number): QueuedEvent =>
  ({
    id: String(id),
    topic: "exportLifecycle",
    type: "ExportPlanned",
    value: { requestId: `r${id}` },
  }) as unknown as QueuedEvent;

function outbox(queued: QueuedEvent[], options: { failPublishOf?: string } = {}) {
  const published: string[] = [];
  const marked: string[] = [];
  const deps: RelayDeps = {
    unpublished: (limit) => Promise.resolve(queued.filter((e) => !marked.includes(e.id)).slice(0, limit)),
    markPublished: (ids) => Promise.resolve(void marked.push(...ids)),
    publish: (_topic, e) => {
      const id = (e.value as { requestId: string }).requestId;
      if (id === options.failPublishOf) return Promise.reject(new Error("broker down"));
      return Promise.resolve(void published.push(id));
    },
    exclusively: (run) => run(),
  };
  return { deps, published, marked };
}

describe("OutboxRelay", () => {
  it("publishes queued events in order, each marked only after it was published", async () => {
    const { deps, published, marked } = outbox([event(1), event(2), event(3)]);
    await new OutboxRelay(deps).kick();
    expect(published).toEqual(["r1", "r2", "r3"]);
    expect(marked).toEqual(["1", "2", "3"]);
  });

  it("stops at a failed publish and leaves it and what follows queued, for the next run", async () => {
    const queued = [event(1), event(2), event(3)];
    const failing = outbox(queued, { failPublishOf: "r2" });
    await expect(new OutboxRelay(failing.deps).kick()).rejects.toThrow("broker down");
    expect(failing.marked).toEqual(["1"]);
    const next = outbox(queued.slice(1));
    await new OutboxRelay(next.deps).kick();
    expect(next.published).toEqual(["r2", "r3"]);
  });

  it("looks again when kicked while it runs, so an event queued meanwhile is not left behind", async () => {
    const queued = [event(1)];
    const { deps, published } = outbox(queued);
    const relay = new OutboxRelay({
      ...deps,
      publish: async (topic, e, traceparent) => {
        if (queued.length === 1) {
          queued.push(event(2));
          void relay.kick();
        }
        await deps.publish(topic, e, traceparent);
      },
    });
    await relay.kick();
    expect(published).toEqual(["r1", "r2"]);
  });

  it("publishes each event with the traceparent stored beside it (none for rows queued before tracing)", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const queued = [
      { ...event(1), traceparent },
      { ...event(2), traceparent: null },
    ];
    const seen: (string | null)[] = [];
    const { deps } = outbox(queued);
    await new OutboxRelay({ ...deps, publish: (_topic, _e, stored) => Promise.resolve(void seen.push(stored)) }).kick();
    expect(seen).toEqual([traceparent, null]);
  });

  it("publishes nothing when another replica holds the relay lock", async () => {
    const { deps, published } = outbox([event(1)]);
    await new OutboxRelay({ ...deps, exclusively: () => Promise.resolve() }).kick();
    expect(published).toEqual([]);
  });
});
