import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Partitioners, type Producer } from "kafkajs";
import {
  deadLetterHeaders,
  EventProducer,
  eventHeaders,
  namespacedTopic,
  type PublishReceipt,
} from "@data-exporter/bus";
import {
  avroType,
  decodeEvent,
  encodeEvent,
  eventFullNames,
  schemaFingerprints,
  topicEvents,
  topics,
  type DecodedEvent,
  type EventName,
  type EventTopicKey,
} from "@data-exporter/contracts";
import {
  awsClientConfig,
  firstDemoDay,
  kafkaFromEnv,
  NotificationInbox,
  readRawTopic,
  type RawRecord,
  type RequestStatusResult,
  runTrigger,
  startDeployment,
  type TestDeployment,
  waitForExport,
  waitForGroupToCatchUp,
} from "../../dev/harness/index.js";

/**
 * A poison message on any topic goes to the dead-letter topic with its error headers, and the partition carries on:
 * on each topic the services consume, records that are not events of that topic are produced first, then a valid
 * event with the same key (so on the same partition, after them), and the export it belongs to must still complete.
 *
 * Malformed kinds: bytes that are not Avro (under the topic's own event-type and fingerprint headers), a valid Avro
 * event of a type that topic does not carry, an unknown schema fingerprint, no event headers at all, and an empty
 * value (tombstone). A record with a valid event-type but no fingerprint is not malformed: the codec reads it by its
 * event type (packages/contracts codec.ts), so it is not among them.
 *
 * The valid followers: an ExportRequested published here (export-requested), the trigger's DailyExportTriggered
 * (daily-export-triggered), and what the services themselves publish for that request: its UnloadTableCommand
 * (unload-commands), ExportPlanned (export-lifecycle) and ExportCompleted (export-completed).
 */

/** Which consumer groups (without the namespace) read each topic: each dead-letters a poison message once. */
const consumers: Record<EventTopicKey, readonly string[]> = {
  exportRequested: ["data-exporter.planner", "data-exporter.status-tracker", "data-exporter.unloader.cancellations"],
  dailyExportTriggered: ["data-exporter.planner.scheduled", "data-exporter.status-tracker"],
  unloadCommands: ["data-exporter.unloader"],
  exportLifecycle: ["data-exporter.status-tracker"],
  exportCompleted: ["data-exporter.notifier", "data-exporter.catalog-registrar"],
};
const topicKeys = Object.keys(consumers) as EventTopicKey[];

const DATE = "2024-04-06";
const TABLE = "traffic_observation";

interface Malformed {
  readonly kind: string;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
  /** The dead-letter headers it must get. */
  readonly dlqKind: string;
  readonly dlqCode: string;
}

/** A random but valid value of an event, as Avro with its headers. */
function encodedSample(name: EventName): { value: Buffer; headers: Record<string, string> } {
  const encoded = encodeEvent(name, avroType(name).random() as never);
  return {
    value: Buffer.from(encoded.bytes),
    headers: {
      [eventHeaders.eventType]: encoded.eventType,
      [eventHeaders.schemaFingerprint]: encoded.fingerprint,
    },
  };
}

function malformedFor(topic: EventTopicKey): Malformed[] {
  const own: EventName = topicEvents[topic][0];
  const ownHeaders = {
    [eventHeaders.eventType]: eventFullNames[own],
    [eventHeaders.schemaFingerprint]: schemaFingerprints[own],
  };
  const notAvro = Buffer.from("this is not Avro, whatever the headers say");
  // The premise of the first case: these bytes really do not decode as the topic's event.
  expect(() =>
    decodeEvent({ eventType: eventFullNames[own], fingerprint: schemaFingerprints[own] }, notAvro),
  ).toThrow();
  const wrongType: EventName = topic === "exportRequested" ? "DailyExportTriggered" : "ExportRequested";
  const sample = encodedSample(own);
  return [
    { kind: "not-avro", value: notAvro, headers: ownHeaders, dlqKind: "undecodable", dlqCode: "UNDECODABLE_EVENT" },
    {
      kind: "wrong-event-type",
      ...encodedSample(wrongType),
      dlqKind: "unexpected-event-type",
      dlqCode: "UNEXPECTED_EVENT_TYPE",
    },
    {
      kind: "unknown-fingerprint",
      value: sample.value,
      headers: { ...ownHeaders, [eventHeaders.schemaFingerprint]: "0".repeat(64) },
      dlqKind: "undecodable",
      dlqCode: "UNKNOWN_SCHEMA_FINGERPRINT",
    },
    { kind: "no-headers", value: sample.value, headers: {}, dlqKind: "undecodable", dlqCode: "UNKNOWN_EVENT_TYPE" },
    { kind: "tombstone", value: null, headers: ownHeaders, dlqKind: "undecodable", dlqCode: "EMPTY_MESSAGE" },
  ];
}

interface Produced extends Malformed {
  readonly topic: EventTopicKey;
  readonly key: string;
  readonly partition: number;
  readonly offset: number;
  /** Unique per record: the dead-letter topic keeps the original headers, so it finds its copies. */
  readonly marker: string;
}

let deployment: TestDeployment;
let raw: Producer;
let events: EventProducer;
let inbox: NotificationInbox;
const produced: Produced[] = [];
let requested: PublishReceipt;
let requestId: string;
let scheduled: { requestId: string; partition: number; offset: number };
let onDemandStatus: RequestStatusResult;
let scheduledStatus: RequestStatusResult;

const namespace = (): string => deployment.names.topicNamespace;

async function produceMalformed(topic: EventTopicKey, key: string): Promise<void> {
  for (const malformed of malformedFor(topic)) {
    const marker = `malformed-${topic}-${malformed.kind}-${randomUUID()}`;
    const [metadata] = await raw.send({
      topic: namespacedTopic(namespace(), topics[topic].name),
      acks: -1,
      messages: [
        { key, value: malformed.value, headers: { ...malformed.headers, [eventHeaders.correlationId]: marker } },
      ],
    });
    if (metadata === undefined) throw new Error(`no metadata for ${marker}`);
    produced.push({
      ...malformed,
      topic,
      key,
      partition: metadata.partition,
      offset: Number(metadata.baseOffset ?? metadata.offset),
      marker,
    });
  }
}

/** The records of a topic that decode as some event (a wrong-type poison record does too), with their position. */
async function eventsOn(topic: EventTopicKey): Promise<(RawRecord & { event: DecodedEvent })[]> {
  const decoded: (RawRecord & { event: DecodedEvent })[] = [];
  for (const record of await readRawTopic(namespace(), topic)) {
    try {
      const event = decodeEvent(
        {
          eventType: record.headers[eventHeaders.eventType],
          fingerprint: record.headers[eventHeaders.schemaFingerprint],
        },
        record.value ?? Buffer.alloc(0),
      );
      decoded.push({ ...record, event });
    } catch {
      // One of ours.
    }
  }
  return decoded;
}

const finished = (id: string): Promise<RequestStatusResult> =>
  waitForExport(deployment.graphqlUrl, id, 120_000).catch((error: Error) => {
    throw new Error(`${error.message}\n--- service logs ---\n${deployment.logs.slice(-60).join("\n")}`);
  });

beforeAll(async () => {
  deployment = await startDeployment({ label: "malformed" });
  const kafka = kafkaFromEnv("e2e-malformed");
  // The bus's partitioner, so a key lands where the services' events with that key land.
  raw = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await raw.connect();
  events = new EventProducer(kafka, { namespace: namespace() });
  await events.connect();
  inbox = new NotificationInbox(deployment.notificationQueueUrl, awsClientConfig());

  // Poison first, on every topic, keyed like the events that will follow them.
  requestId = randomUUID();
  await produceMalformed("exportRequested", requestId);
  await produceMalformed("unloadCommands", `${requestId}/${TABLE}`);
  await produceMalformed("exportLifecycle", requestId);
  await produceMalformed("exportCompleted", requestId);
  await produceMalformed("dailyExportTriggered", DATE);

  // Then the valid events: an on-demand request (its plan, commands, lifecycle and completion follow on the same
  // keys), and the scheduled export of the same day through the trigger, as the CronJob runs it.
  const [start] = firstDemoDay(deployment);
  requested = await events.publish("exportRequested", {
    type: "ExportRequested",
    value: {
      requestId,
      windowStart: start * 1000,
      windowEnd: (start + 3600) * 1000,
      requestedAt: Date.now(),
      requestedBy: "e2e-malformed",
    },
  });
  const trigger = await runTrigger(["--date", DATE], { ...deployment.serviceEnv, LOG_LEVEL: "info" });
  expect(trigger.code).toBe(0);
  const [triggered] = trigger.triggered;
  if (triggered === undefined) throw new Error(`the trigger published nothing:\n${trigger.stderr}`);
  scheduled = { requestId: triggered.requestId, partition: triggered.partition, offset: Number(triggered.offset) };

  onDemandStatus = await finished(requestId);
  scheduledStatus = await finished(scheduled.requestId);
}, 300_000);

afterAll(async () => {
  await raw?.disconnect();
  await events?.disconnect();
  inbox?.close();
  await deployment?.stop();
});

describe("malformed events on every consumed topic", () => {
  it("are each dead-lettered once per consumer group, with the error and their original position in headers", async () => {
    for (const topic of topicKeys) {
      for (const group of consumers[topic]) await waitForGroupToCatchUp(namespace(), group, topic);
    }
    const dead = await readRawTopic(namespace(), "deadLetter");
    const h = deadLetterHeaders;
    for (const record of produced) {
      const copies = dead.filter((d) => d.headers[eventHeaders.correlationId] === record.marker);
      expect([record.marker, copies.map((c) => c.headers[h.consumerGroup]).sort()]).toEqual([
        record.marker,
        consumers[record.topic].map((group) => `${namespace()}${group}`).sort(),
      ]);
      for (const copy of copies) {
        expect(copy.headers).toMatchObject({
          ...record.headers,
          [h.errorKind]: record.dlqKind,
          [h.errorCode]: record.dlqCode,
          [h.originalTopic]: namespacedTopic(namespace(), topics[record.topic].name),
          [h.originalPartition]: String(record.partition),
          [h.originalOffset]: String(record.offset),
          [h.eventType]: record.headers[eventHeaders.eventType] ?? "",
          [h.attempts]: "0",
        });
        expect(copy.headers[h.errorMessage]).toMatch(/\S/);
        expect(Number.isNaN(Date.parse(copy.headers[h.failedAt] ?? ""))).toBe(false);
        expect(copy.key).toBe(record.key);
        expect(copy.value).toEqual(record.value);
      }
    }
    // Nothing else was dead-lettered: the valid events after them were all handled.
    const expected = produced.reduce((sum, record) => sum + consumers[record.topic].length, 0);
    expect(dead).toHaveLength(expected);
    expect(produced).toHaveLength(topicKeys.length * 5);
  });

  it("do not stop their partition: the valid event after them, same key, same partition, is processed", async () => {
    const after = (topic: EventTopicKey, partition: number, offset: number): void => {
      const poison = produced.filter((p) => p.topic === topic);
      expect(poison.length).toBeGreaterThan(0);
      for (const p of poison) expect([topic, p.partition, p.offset < offset]).toEqual([topic, partition, true]);
    };

    // export-requested (planner, status tracker): our ExportRequested planned and tracked to the end.
    after("exportRequested", requested.partition, Number(requested.offset));
    expect(onDemandStatus).toMatchObject({ status: "Completed", progress: 100 });

    // daily-export-triggered (planner's scheduled group, status tracker): the trigger's event exported the day.
    after("dailyExportTriggered", scheduled.partition, scheduled.offset);
    expect(scheduledStatus).toMatchObject({ status: "Completed", progress: 100 });

    // unload-commands (unloader): the command for the poisoned key was run.
    const command = (await eventsOn("unloadCommands")).find(
      (r) => r.key === `${requestId}/${TABLE}` && r.event.type === "UnloadTableCommand",
    );
    if (command === undefined) throw new Error(`no UnloadTableCommand keyed ${requestId}/${TABLE}`);
    after("unloadCommands", command.partition, command.offset);
    expect(onDemandStatus.tables.find((t) => t.tableName === TABLE)).toMatchObject({ status: "COMPLETED" });

    // export-lifecycle (status tracker): the plan and every table's outcome were applied (it says Completed).
    const lifecycle = (await eventsOn("exportLifecycle")).filter((r) => r.key === requestId);
    const planned = lifecycle.find((r) => r.event.type === "ExportPlanned");
    if (planned === undefined) throw new Error(`no ExportPlanned of ${requestId}`);
    after("exportLifecycle", planned.partition, planned.offset);
    expect(onDemandStatus.tables.length).toBeGreaterThan(0);
    for (const table of onDemandStatus.tables) expect(table.status).toBe("COMPLETED");

    // export-completed (notifier): the completion was announced on SNS.
    const completion = (await eventsOn("exportCompleted")).find(
      (r) => r.key === requestId && r.event.type === "ExportCompleted",
    );
    if (completion === undefined) throw new Error(`no ExportCompleted of ${requestId}`);
    after("exportCompleted", completion.partition, completion.offset);
    // The notifier commits an ExportCompleted only after SNS took it, and moto delivers to the inbox at once.
    await waitForGroupToCatchUp(namespace(), "data-exporter.notifier", "exportCompleted");
    const notified = (await inbox.peek()).filter((n) => n.attributes.requestId === requestId);
    expect(notified).toHaveLength(1);
  });
});
