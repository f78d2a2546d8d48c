import { afterEach, describe, expect, it, jest } from "@jest/globals";
import { encodeEvent } from "@data-exporter/contracts";
import { deadLetterHeaders as dlq } from "../src/index.js";
import { exportRequested } from "./support/events.js";
import { TestBus } from "./support/test-bus.js";
import { waitFor } from "./support/wait-for.js";

jest.setTimeout(60_000);

const message = (value: ReturnType<typeof exportRequested>) => {
  const encoded = encodeEvent("ExportRequested", value);
  return {
    key: "k",
    value: Buffer.from(encoded.bytes),
    headers: { "event-type": encoded.eventType, "schema-fingerprint": encoded.fingerprint },
  };
};

describe("EventConsumer in batch mode", () => {
  let bus: TestBus;
  afterEach(async () => bus.close());

  it("hands runs of one partition to the batch handler, dead-letters what cannot be decoded in its place, and handles a failed run one by one", async () => {
    bus = new TestBus();
    await bus.createTopics(["exportRequested", "deadLetter"]);
    const values = Array.from({ length: 12 }, () => exportRequested());
    const failing = values[9]!;
    const runs: string[][] = [];
    const oneByOne: string[] = [];
    await bus.consumer({
      topics: ["exportRequested"],
      maxAttempts: 2,
      backoff: { initialMs: 10 },
      maxBatchSize: 4,
      handler: ({ value }) => {
        if (value.requestId === failing.requestId) throw new Error("cannot handle this one");
        oneByOne.push(value.requestId);
      },
      batchHandler: (envelopes) => {
        const ids = envelopes.map((e) => e.value.requestId);
        runs.push(ids);
        return ids.includes(failing.requestId) ? Promise.reject(new Error("batch failed")) : Promise.resolve();
      },
    });
    const deadLetters = await bus.reader("deadLetter");
    const raw = await bus.rawProducer();
    const poison = { key: "k", value: Buffer.from([0xff, 0xff]), headers: { "event-type": "nonsense" } };
    // One send, one key: one partition, likely one fetch, in this order.
    await raw.send({
      topic: bus.topic("exportRequested"),
      messages: [...values.slice(0, 5).map(message), poison, ...values.slice(5).map(message)],
    });

    await waitFor("every message settled", () => oneByOne.includes(values[11]!.requestId) && deadLetters.length === 2);
    const batched = runs.filter((run) => !run.includes(failing.requestId)).flat();
    const ids = values.map((v) => v.requestId);
    // Every event but the failing one handled exactly once, in order, by a run or (after the failed run) one by one.
    expect([...batched, ...oneByOne]).toEqual(ids.filter((id) => id !== failing.requestId));
    expect(runs.every((run) => run.length <= 4)).toBe(true);
    // The poison message ended the run before it: nothing after it was in the same run as something before it.
    expect(runs.some((run) => run.includes(ids[4]!) && run.includes(ids[5]!))).toBe(false);
    expect(deadLetters.map((r) => r.message.headers?.[dlq.errorKind]?.toString())).toEqual([
      "undecodable",
      "handler-failed",
    ]);
  });
});
