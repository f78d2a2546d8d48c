import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, jest } from "@jest/globals";
import { schemaFingerprints } from "@data-exporter/contracts";
import type { Envelope } from "../src/index.js";
import { deadLetterHeaders as dlq } from "../src/index.js";
import { exportRequested, tableUnloadStarted } from "./support/events.js";
import type { RawRecord } from "./support/test-bus.js";
import { TestBus } from "./support/test-bus.js";
import { waitFor } from "./support/wait-for.js";

const header = (record: RawRecord | undefined, name: string) => record?.message.headers?.[name]?.toString();

class HandlerError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

// The integration project's testTimeout is not applied per project by jest, so set it where it is needed.
jest.setTimeout(60_000);

describe("EventConsumer", () => {
  let bus: TestBus;
  afterEach(async () => bus.close());

  it("keeps per-key order across many messages and partitions", async () => {
    bus = new TestBus();
    await bus.createTopics(["exportLifecycle", "deadLetter"]);
    const producer = await bus.producer();
    const seen = new Map<string, number[]>();
    const partitions = new Set<number>();
    let count = 0;
    await bus.consumer({
      topics: ["exportLifecycle"],
      handler: (envelope) => {
        if (envelope.type !== "TableUnloadStarted") throw new Error(`unexpected ${envelope.type}`);
        partitions.add(envelope.partition);
        seen.set(envelope.key ?? "", [...(seen.get(envelope.key ?? "") ?? []), envelope.value.attempt]);
        count++;
      },
    });

    const requestIds = Array.from({ length: 12 }, () => randomUUID());
    const perKey = 15;
    for (let attempt = 1; attempt <= perKey; attempt++) {
      for (const requestId of requestIds) {
        await producer.publish("exportLifecycle", {
          type: "TableUnloadStarted",
          value: tableUnloadStarted(requestId, attempt),
        });
      }
    }

    await waitFor("every message", () => count === requestIds.length * perKey);
    const ascending = Array.from({ length: perKey }, (_, i) => i + 1);
    for (const requestId of requestIds) expect(seen.get(requestId)).toEqual(ascending);
    expect(partitions.size).toBeGreaterThan(1);
  });

  it("dead-letters an undecodable message with its position and goes on with the next one", async () => {
    bus = new TestBus();
    await bus.createTopics(["exportRequested", "deadLetter"]);
    const handled: Envelope<"exportRequested">[] = [];
    await bus.consumer({ topics: ["exportRequested"], handler: (envelope) => void handled.push(envelope) });
    const deadLetters = await bus.reader("deadLetter");

    const raw = await bus.rawProducer();
    const poison = Buffer.from([0xff, 0xff, 0xff, 0x01]);
    const [written] = await raw.send({
      topic: bus.topic("exportRequested"),
      messages: [
        {
          key: "same-key",
          value: poison,
          headers: {
            "event-type": "au.dataexporter.events.ExportRequested",
            "schema-fingerprint": schemaFingerprints.ExportRequested,
            "correlation-id": "c-poison",
          },
        },
      ],
    });
    const producer = await bus.producer();
    const good = exportRequested();
    await producer.publish("exportRequested", { type: "ExportRequested", value: good }, { key: "same-key" });

    await waitFor("the good message", () => handled.length === 1);
    expect(handled[0]?.value).toEqual(good);
    const [record] = await waitFor("a dead letter", () => (deadLetters.length > 0 ? deadLetters : undefined));
    expect(deadLetters).toHaveLength(1);
    expect(record?.message.value).toEqual(poison);
    expect(record?.message.key?.toString()).toBe("same-key");
    expect(header(record, dlq.errorKind)).toBe("undecodable");
    expect(header(record, dlq.errorCode)).toBe("UNDECODABLE_EVENT");
    expect(header(record, dlq.originalTopic)).toBe(bus.topic("exportRequested"));
    expect(header(record, dlq.originalPartition)).toBe(String(written?.partition));
    expect(header(record, dlq.originalOffset)).toBe(written?.baseOffset);
    expect(header(record, dlq.eventType)).toBe("au.dataexporter.events.ExportRequested");
    expect(header(record, dlq.attempts)).toBe("0");
    expect(header(record, "correlation-id")).toBe("c-poison");
    expect(header(record, dlq.errorMessage)).toMatch(/cannot decode ExportRequested/);
  });

  it("dead-letters after maxAttempts when the handler keeps failing, and keeps consuming", async () => {
    bus = new TestBus();
    await bus.createTopics(["exportRequested", "deadLetter"]);
    const poisoned = exportRequested();
    const permanent = exportRequested();
    const attempts = new Map<string, number>();
    const handled: string[] = [];
    await bus.consumer({
      topics: ["exportRequested"],
      maxAttempts: 3,
      backoff: { initialMs: 10 },
      handler: ({ value }) => {
        attempts.set(value.requestId, (attempts.get(value.requestId) ?? 0) + 1);
        if (value.requestId === poisoned.requestId) throw new HandlerError("warehouse down", "WAREHOUSE", true);
        if (value.requestId === permanent.requestId) throw new HandlerError("bad command", "INVALID", false);
        handled.push(value.requestId);
      },
    });
    const deadLetters = await bus.reader("deadLetter");
    const producer = await bus.producer();
    const after = exportRequested();
    // One key, so all three share a partition and the last can only be handled after the others were settled.
    for (const value of [poisoned, permanent, after]) {
      await producer.publish("exportRequested", { type: "ExportRequested", value }, { key: "k" });
    }

    await waitFor("the message after the failing ones", () => handled.includes(after.requestId));
    await waitFor("two dead letters", () => deadLetters.length === 2);
    expect(attempts.get(poisoned.requestId)).toBe(3);
    expect(attempts.get(permanent.requestId)).toBe(1);
    const [retried, rejected] = deadLetters;
    expect(header(retried, dlq.errorKind)).toBe("handler-failed");
    expect(header(retried, dlq.errorMessage)).toBe("warehouse down");
    expect(header(retried, dlq.errorCode)).toBe("WAREHOUSE");
    expect(header(retried, dlq.attempts)).toBe("3");
    expect(header(retried, dlq.eventType)).toBe("au.dataexporter.events.ExportRequested");
    expect(retried?.message.key?.toString()).toBe("k");
    expect(header(rejected, dlq.attempts)).toBe("1");
    expect(header(rejected, dlq.errorCode)).toBe("INVALID");
  });

  it("resumes from the committed offset after a stop, without losing or repeating a handled message", async () => {
    bus = new TestBus();
    await bus.createTopics(["exportRequested", "deadLetter"]);
    const producer = await bus.producer();
    const sent = Array.from({ length: 10 }, () => exportRequested());
    for (const value of sent) {
      await producer.publish("exportRequested", { type: "ExportRequested", value }, { key: "one-partition" });
    }

    const groupId = `g-${randomUUID()}`;
    const handled: string[] = [];
    let stopping: Promise<void> | undefined;
    const first = await bus.consumer({
      groupId,
      topics: ["exportRequested"],
      handler: ({ value }) => {
        handled.push(value.requestId);
        // Stop from inside the fifth handler: stop() must let this handler finish and commit its offset.
        if (handled.length === 5) stopping = first.stop();
      },
    });
    await waitFor("the fifth message", () => stopping !== undefined);
    await stopping;
    expect(handled).toHaveLength(5);
    expect(first.isConnected()).toBe(false);

    await bus.consumer({
      groupId,
      topics: ["exportRequested"],
      handler: ({ value }) => void handled.push(value.requestId),
    });
    await waitFor("the rest", () => handled.length >= 10);
    expect(handled).toEqual(sent.map((v) => v.requestId));
  });

  it("dead-letters an event type that does not belong on the topic", async () => {
    bus = new TestBus();
    await bus.createTopics(["exportRequested", "exportLifecycle", "deadLetter"]);
    const handled: string[] = [];
    await bus.consumer({
      topics: ["exportRequested"],
      handler: ({ value }) => void handled.push(value.requestId),
    });
    const deadLetters = await bus.reader("deadLetter");
    // Copy a valid lifecycle message onto the wrong topic, as a misconfigured producer would.
    const lifecycle = await bus.reader("exportLifecycle");
    const producer = await bus.producer();
    await producer.publish("exportLifecycle", {
      type: "TableUnloadStarted",
      value: tableUnloadStarted(randomUUID(), 1),
    });
    const [original] = await waitFor("the lifecycle message", () => (lifecycle.length > 0 ? lifecycle : undefined));
    const raw = await bus.rawProducer();
    await raw.send({
      topic: bus.topic("exportRequested"),
      messages: [
        {
          key: original?.message.key ?? null,
          value: original?.message.value ?? null,
          headers: original?.message.headers ?? {},
        },
      ],
    });
    const next = exportRequested();
    await producer.publish("exportRequested", { type: "ExportRequested", value: next });

    await waitFor("the next message", () => handled.includes(next.requestId));
    const [record] = await waitFor("a dead letter", () => (deadLetters.length > 0 ? deadLetters : undefined));
    expect(header(record, dlq.errorKind)).toBe("unexpected-event-type");
    expect(header(record, dlq.errorCode)).toBe("UNEXPECTED_EVENT_TYPE");
  });

  it("keeps its partition through a handler that runs longer than the session timeout", async () => {
    bus = new TestBus();
    await bus.createTopics(["exportRequested", "deadLetter"]);
    const calls: string[] = [];
    let releaseAt = 0;
    await bus.consumer({
      topics: ["exportRequested"],
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      handler: async ({ value }) => {
        calls.push(value.requestId);
        if (calls.length === 1) {
          releaseAt = Date.now() + 8000;
          // The slow handler itself, not a test wait: it must outlive the 6 s session timeout.
          await waitFor("the slow handler's end", () => Date.now() >= releaseAt, {
            timeoutMs: 10_000,
            intervalMs: 100,
          });
        }
      },
    });
    const producer = await bus.producer();
    const slow = exportRequested();
    const next = exportRequested();
    for (const value of [slow, next]) {
      await producer.publish("exportRequested", { type: "ExportRequested", value }, { key: "k" });
    }
    await waitFor("the message after the slow one", () => calls.includes(next.requestId));
    expect(calls).toEqual([slow.requestId, next.requestId]);
  });

  it("aborts a long handler when a rebalance takes the partition, so the group rejoins at once and the message is handled once", async () => {
    bus = new TestBus();
    await bus.createTopics(["exportRequested", "deadLetter"]);
    const groupId = `g-${randomUUID()}`;
    const starts: string[] = [];
    const aborted: string[] = [];
    const completed: string[] = [];
    const handler =
      (member: string) =>
      async ({ value }: Envelope<"exportRequested">, { signal }: { signal: AbortSignal }): Promise<void> => {
        starts.push(member);
        if (starts.length === 1) {
          // The first delivery is a long unload that honours the signal (up to 40 s: past the waits below).
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(resolve, 40_000);
            signal.addEventListener(
              "abort",
              () => (clearTimeout(timer), aborted.push(member), reject(new Error("aborted"))),
              {
                once: true,
              },
            );
          });
        }
        completed.push(value.requestId);
      };
    const options = { groupId, topics: ["exportRequested"] as const, heartbeatIntervalMs: 500 };
    await bus.consumer({ ...options, topics: ["exportRequested"], handler: handler("a") });
    const producer = await bus.producer();
    const message = exportRequested();
    await producer.publish("exportRequested", { type: "ExportRequested", value: message });
    await waitFor("the long handler to start", () => starts.length === 1);

    // A second member joins: the group rebalances while the handler runs.
    await bus.consumer({ ...options, topics: ["exportRequested"], handler: handler("b") });
    await waitFor("the message to be handled after the rebalance", () => completed.length === 1, { timeoutMs: 30_000 });
    expect(aborted).toEqual(["a"]);
    expect(completed).toEqual([message.requestId]);
    expect(starts).toHaveLength(2);
  });

  it("keeps heartbeating through a retry backoff longer than the session timeout, so attempts are not reset", async () => {
    bus = new TestBus();
    await bus.createTopics(["exportRequested", "deadLetter"]);
    let calls = 0;
    const groupId = `g-${randomUUID()}`;
    await bus.consumer({
      groupId,
      topics: ["exportRequested"],
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      maxAttempts: 2,
      backoff: { initialMs: 14_000, maxMs: 14_000 },
      handler: () => {
        calls++;
        throw new HandlerError("still down", "DOWN", true);
      },
    });
    const deadLetters = await bus.reader("deadLetter");
    const producer = await bus.producer();
    await producer.publish("exportRequested", { type: "ExportRequested", value: exportRequested() });
    await waitFor("the dead letter", () => deadLetters.length === 1, { timeoutMs: 30_000 });
    // Still a member: the dead-lettered message's offset commits (an evicted member's commit is refused and the
    // message comes back with its attempts reset).
    const admin = bus.kafka.admin();
    await admin.connect();
    try {
      await waitFor("the offset to be committed", async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [bus.topic("exportRequested")] });
        return (committed?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0) === 1;
      });
    } finally {
      await admin.disconnect();
    }
    expect(calls).toBe(2);
    expect(header(deadLetters[0], dlq.attempts)).toBe("2");
  });
});
