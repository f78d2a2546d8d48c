import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, jest } from "@jest/globals";
import { replayTopic, topicExtents, type BusError, type ReplayedEvent, type SkippedRecord } from "../src/index.js";
import { tableUnloadStarted } from "./support/events.js";
import { TestBus } from "./support/test-bus.js";

jest.setTimeout(60_000);

describe("replayTopic", () => {
  let bus: TestBus;
  afterEach(async () => bus.close());

  async function extents(key: "exportLifecycle" | "deadLetter") {
    const admin = bus.kafka.admin();
    await admin.connect();
    try {
      return await topicExtents(admin, key, bus.namespace);
    } finally {
      await admin.disconnect();
    }
  }

  it("reads every partition in order up to the extents taken before, skips poison, commits and publishes nothing", async () => {
    bus = new TestBus();
    await bus.createTopics(["exportLifecycle", "deadLetter"]);
    const producer = await bus.producer();
    const requestIds = Array.from({ length: 6 }, () => randomUUID());
    for (let attempt = 1; attempt <= 4; attempt++)
      for (const requestId of requestIds)
        await producer.publish("exportLifecycle", {
          type: "TableUnloadStarted",
          value: tableUnloadStarted(requestId, attempt),
        });
    const raw = await bus.rawProducer();
    await raw.send({
      topic: bus.topic("exportLifecycle"),
      messages: [{ key: requestIds[0] ?? null, value: "not Avro" }],
    });

    const snapshot = await extents("exportLifecycle");
    expect(snapshot.map((e) => e.partition)).toEqual([0, 1, 2]);
    expect(snapshot.reduce((sum, e) => sum + e.end - e.start, 0)).toBe(25);
    // Published after the snapshot: not part of this replay.
    await producer.publish("exportLifecycle", {
      type: "TableUnloadStarted",
      value: tableUnloadStarted(randomUUID(), 9),
    });

    const seen: ReplayedEvent<"exportLifecycle">[] = [];
    const skipped: SkippedRecord[] = [];
    const before = Date.now();
    const result = await replayTopic(bus.kafka, {
      topic: "exportLifecycle",
      namespace: bus.namespace,
      extents: snapshot,
      onEvent: async (event) => {
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(event);
      },
      onSkipped: (record) => void skipped.push(record),
    });

    expect(result).toEqual({ events: 24, skipped: 1 });
    expect(skipped.map((s) => s.kind)).toEqual(["undecodable"]);
    for (const requestId of requestIds) {
      const attempts = seen
        .filter((e) => e.value.requestId === requestId)
        .map((e) => (e.type === "TableUnloadStarted" ? e.value.attempt : undefined));
      expect(attempts).toEqual([1, 2, 3, 4]);
    }
    for (const partition of [0, 1, 2]) {
      const offsets = seen.filter((e) => e.partition === partition).map((e) => Number(e.offset));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
    expect(seen.every((e) => e.timestamp > before - 60_000 && e.timestamp <= Date.now())).toBe(true);

    expect((await extents("deadLetter")).every((e) => e.end === 0)).toBe(true);
    const admin = bus.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.listGroups();
      expect(groups.filter((g) => g.groupId.startsWith(`${bus.namespace}data-exporter.replay.`))).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });

  it("ends with the handler's error, and reads nothing of an empty topic", async () => {
    bus = new TestBus();
    await bus.createTopics(["exportLifecycle"]);
    const onEvent = jest.fn<() => void>();
    expect(
      await replayTopic(bus.kafka, {
        topic: "exportLifecycle",
        namespace: bus.namespace,
        extents: await extents("exportLifecycle"),
        onEvent,
      }),
    ).toEqual({ events: 0, skipped: 0 });

    const producer = await bus.producer();
    await producer.publish("exportLifecycle", {
      type: "TableUnloadStarted",
      value: tableUnloadStarted(randomUUID(), 1),
    });
    const failure = new Error("cannot apply");
    await expect(
      replayTopic(bus.kafka, {
        topic: "exportLifecycle",
        namespace: bus.namespace,
        extents: await extents("exportLifecycle"),
        onEvent: () => Promise.reject(failure),
      }),
    ).rejects.toBe(failure);
    expect(onEvent).not.toHaveBeenCalled();
  });

  it("says which topic does not exist", async () => {
    bus = new TestBus();
    await expect(extents("exportLifecycle")).rejects.toMatchObject({
      code: "TOPIC_NOT_FOUND",
    } satisfies Partial<BusError>);
  });
});
