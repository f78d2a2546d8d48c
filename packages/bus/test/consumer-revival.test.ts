import { EventEmitter } from "node:events";
import { describe, expect, it, jest } from "@jest/globals";
import type { Kafka } from "kafkajs";
import { EventConsumer } from "../src/consumer.js";

// kafkajs stops a consumer for good after a crash it does not classify as retriable (e.g. "Failed to find group
// coordinator" while a broker restarts). These tests drive a stand-in for kafkajs's consumer through such crashes.

const events = {
  CONNECT: "consumer.connect",
  DISCONNECT: "consumer.disconnect",
  CRASH: "consumer.crash",
  GROUP_JOIN: "consumer.group_join",
};

function fakeKafka() {
  const emitter = new EventEmitter();
  const logged: string[] = [];
  const consumer = {
    events,
    on: (event: string, listener: (e: unknown) => void) => emitter.on(event, listener),
    connect: jest.fn(() => Promise.resolve(void emitter.emit(events.CONNECT, {}))),
    subscribe: jest.fn(() => Promise.resolve()),
    run: jest.fn(() => Promise.resolve()),
    stop: jest.fn(() => Promise.resolve()),
    disconnect: jest.fn(() => Promise.resolve()),
    logger: () => ({
      warn: (message: string) => void logged.push(`warn ${message}`),
      error: (message: string) => void logged.push(`error ${message}`),
    }),
  };
  const producer = {
    events: { CONNECT: "producer.connect", DISCONNECT: "producer.disconnect" },
    on: () => undefined,
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
  };
  const kafka = { consumer: () => consumer, producer: () => producer } as unknown as Kafka;
  const crash = (restart: boolean) =>
    emitter.emit(events.CRASH, { payload: { error: new Error("Failed to find group coordinator"), restart } });
  const join = () => emitter.emit(events.GROUP_JOIN, { payload: {} });
  return { kafka, consumer, crash, join, logged };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

/** Waits (polling, up to 5 s) until the condition holds: revivals are asynchronous. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met within 5 s");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
const runs = (fake: ReturnType<typeof fakeKafka>) => () => fake.consumer.run.mock.calls.length;

function consumerOn(kafka: Kafka, maxRevivals = 2) {
  return new EventConsumer(kafka, {
    groupId: "g",
    topics: ["exportRequested"],
    handler: () => undefined,
    maxRevivals,
    reviveBackoff: { initialMs: 1, maxMs: 1 },
  });
}

describe("EventConsumer after a crash kafkajs does not restart from", () => {
  it("connects and runs the consumer again, and stays alive", async () => {
    const fake = fakeKafka();
    const consumer = consumerOn(fake.kafka);
    await consumer.start();
    fake.crash(false);
    await until(() => runs(fake)() === 2);
    expect(fake.consumer.connect).toHaveBeenCalledTimes(2);
    expect(consumer.isAlive()).toBe(true);
    expect(fake.logged).toEqual(["warn consumer crashed and stopped; starting it again"]);
    await consumer.stop();
  });

  it("leaves kafkajs's own restarts alone", async () => {
    const fake = fakeKafka();
    const consumer = consumerOn(fake.kafka);
    await consumer.start();
    fake.crash(true);
    await settle();
    expect(fake.consumer.run).toHaveBeenCalledTimes(1);
    expect(consumer.isAlive()).toBe(true);
    await consumer.stop();
  });

  it("gives up (isAlive false) after maxRevivals crashes without rejoining the group", async () => {
    const fake = fakeKafka();
    const consumer = consumerOn(fake.kafka, 2);
    await consumer.start();
    for (const expectedRuns of [2, 3]) {
      fake.crash(false);
      await until(() => runs(fake)() === expectedRuns);
    }
    fake.crash(false);
    await until(() => !consumer.isAlive());
    await settle();
    expect(fake.consumer.run).toHaveBeenCalledTimes(3);
    expect(fake.logged.at(-1)).toBe("error consumer crashed again without rejoining its group; giving up");
    await consumer.stop();
  });

  it("gives a member that rejoined its group the whole budget again", async () => {
    const fake = fakeKafka();
    const consumer = consumerOn(fake.kafka, 2);
    await consumer.start();
    for (let i = 0; i < 5; i++) {
      fake.crash(false);
      await until(() => runs(fake)() === i + 2);
      fake.join();
    }
    expect(fake.consumer.run).toHaveBeenCalledTimes(6);
    expect(consumer.isAlive()).toBe(true);
    await consumer.stop();
  });

  it("retries a revival that fails to connect, and does not revive a stopped consumer", async () => {
    const fake = fakeKafka();
    const consumer = consumerOn(fake.kafka, 3);
    await consumer.start();
    fake.consumer.connect.mockRejectedValueOnce(new Error("ECONNREFUSED"));
    fake.crash(false);
    await until(() => runs(fake)() === 2);
    expect(fake.consumer.connect).toHaveBeenCalledTimes(3);
    await consumer.stop();
    fake.crash(false);
    await settle();
    expect(fake.consumer.run).toHaveBeenCalledTimes(2);
  });
});
