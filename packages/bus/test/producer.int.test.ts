import { afterEach, describe, expect, it, jest } from "@jest/globals";
import type { TopicEvent } from "@data-exporter/contracts";
import { InvalidEventError, schemaFingerprints } from "@data-exporter/contracts";
import type { Envelope } from "../src/index.js";
import { BusError, isTraceparent } from "../src/index.js";
import { exportRequested, tableUnloadStarted } from "./support/events.js";
import { TestBus } from "./support/test-bus.js";
import { waitFor } from "./support/wait-for.js";

// The integration project's testTimeout is not applied per project by jest, so set it where it is needed.
jest.setTimeout(60_000);

describe("EventProducer + EventConsumer", () => {
  let bus: TestBus;
  afterEach(async () => bus.close());

  it("round-trips an Avro event with its headers", async () => {
    bus = new TestBus();
    await bus.createTopics(["exportRequested", "deadLetter"]);
    const producer = await bus.producer();
    expect(producer.isConnected()).toBe(true);
    const received: Envelope<"exportRequested">[] = [];
    const consumer = await bus.consumer({
      topics: ["exportRequested"],
      handler: (envelope) => void received.push(envelope),
    });

    const value = exportRequested({ requestedBy: "alice" });
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const receipt = await producer.publish("exportRequested", { type: "ExportRequested", value }, { traceparent });
    const generated = await producer.publish("exportRequested", {
      type: "ExportRequested",
      value: exportRequested(),
    });

    await waitFor("both events", () => received.length === 2);
    expect(consumer.isConnected()).toBe(true);
    // Different keys may land on different partitions, so find each event rather than relying on arrival order.
    const first = received.find((e) => e.value.requestId === value.requestId);
    const second = received.find((e) => e.value.requestId !== value.requestId);
    expect(first).toMatchObject({
      topicKey: "exportRequested",
      type: "ExportRequested",
      value,
      key: value.requestId,
      topic: bus.topic("exportRequested"),
      partition: receipt.partition,
      offset: receipt.offset,
      eventType: "au.dataexporter.events.ExportRequested",
      correlationId: value.requestId,
      traceparent,
    });
    expect(first?.headers).toMatchObject({
      "event-type": "au.dataexporter.events.ExportRequested",
      "schema-fingerprint": schemaFingerprints.ExportRequested,
      "correlation-id": value.requestId,
      traceparent,
    });
    expect(isTraceparent(second?.traceparent ?? "")).toBe(true);
    expect(second?.traceparent).toBe(generated.traceparent);
  });

  it("uses an explicit key and correlation id", async () => {
    bus = new TestBus();
    await bus.createTopics(["exportLifecycle", "deadLetter"]);
    const producer = await bus.producer();
    const receipt = await producer.publish(
      "exportLifecycle",
      { type: "TableUnloadStarted", value: tableUnloadStarted("r-1", 1) },
      { key: "custom", correlationId: "corr-1" },
    );
    expect(receipt).toMatchObject({ key: "custom", correlationId: "corr-1", topic: bus.topic("exportLifecycle") });
    // What a consumer sees on the topic, not just what the producer says it sent.
    const records = await bus.reader("exportLifecycle");
    await waitFor("the record on the topic", () => records.length === 1);
    expect(records[0]?.message.key?.toString()).toBe("custom");
    expect(records[0]?.message.headers?.["correlation-id"]?.toString()).toBe("corr-1");
  });

  it("refuses an invalid value or traceparent before sending", async () => {
    bus = new TestBus();
    await bus.createTopics(["exportRequested"]);
    const producer = await bus.producer();
    const bad = { ...exportRequested(), windowStart: "yesterday" } as unknown as ReturnType<typeof exportRequested>;
    await expect(producer.publish("exportRequested", { type: "ExportRequested", value: bad })).rejects.toBeInstanceOf(
      InvalidEventError,
    );
    await expect(
      producer.publish("exportRequested", { type: "ExportRequested", value: exportRequested() }, { traceparent: "x" }),
    ).rejects.toMatchObject({ code: "INVALID_OPTION" });
  });

  it("fails with a retryable PUBLISH_FAILED when the topic does not exist", async () => {
    bus = new TestBus();
    const producer = await bus.producer();
    const error: unknown = await producer
      .publish("exportRequested", { type: "ExportRequested", value: exportRequested() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusError);
    expect(error).toMatchObject({ code: "PUBLISH_FAILED", retryable: true });
  }, 60_000);

  it("does not compile the wrong event for a topic", () => {
    const event = { type: "ExportRequested", value: exportRequested() } as const;
    // @ts-expect-error ExportRequested is not a lifecycle event
    const wrong: TopicEvent<"exportLifecycle"> = event;
    const publishWrong = async (bus: TestBus) => {
      const producer = await bus.producer();
      // @ts-expect-error the unload-commands topic only carries UnloadTableCommand
      await producer.publish("unloadCommands", event);
    };
    expect([wrong, publishWrong]).toHaveLength(2);
  });
});
