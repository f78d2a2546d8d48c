import { afterEach, describe, expect, it, jest } from "@jest/globals";
import type { TopicDefinition } from "@data-exporter/contracts";
import { topics } from "@data-exporter/contracts";
import { BusError, TopicDriftError, ensureTopics, namespacedTopic } from "../src/index.js";
import { TestBus } from "./support/test-bus.js";

// The integration project's testTimeout is not applied per project by jest, so set it where it is needed.
jest.setTimeout(60_000);

describe("ensureTopics", () => {
  let bus: TestBus;
  afterEach(async () => bus.close());

  async function withAdmin<T>(fn: (admin: ReturnType<TestBus["kafka"]["admin"]>) => Promise<T>): Promise<T> {
    const admin = bus.kafka.admin();
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect();
    }
  }

  it("creates missing topics with their partitions and config, then finds them without drift", async () => {
    bus = new TestBus();
    const definitions = Object.values(topics);
    const first = await withAdmin((admin) => ensureTopics(admin, definitions, { namespace: bus.namespace }));
    expect([...first.created].sort()).toEqual(definitions.map((d) => namespacedTopic(bus.namespace, d.name)).sort());

    const second = await withAdmin((admin) => ensureTopics(admin, definitions, { namespace: bus.namespace }));
    expect(second).toMatchObject({ created: [], drift: [] });
    expect(second.existing).toHaveLength(definitions.length);

    const metadata = await withAdmin((admin) => admin.fetchTopicMetadata({ topics: [bus.topic("unloadCommands")] }));
    expect(metadata.topics[0]?.partitions).toHaveLength(topics.unloadCommands.partitions);
  });

  it("reports config drift, or throws it when asked to", async () => {
    bus = new TestBus();
    const original: TopicDefinition = topics.exportCompleted;
    await withAdmin((admin) => ensureTopics(admin, [original], { namespace: bus.namespace }));
    const changed: TopicDefinition = { ...original, retentionMs: original.retentionMs + 1, cleanupPolicy: "compact" };

    const result = await withAdmin((admin) => ensureTopics(admin, [changed], { namespace: bus.namespace }));
    expect(result.drift).toEqual([
      {
        topic: bus.topic("exportCompleted"),
        setting: "retention.ms",
        expected: String(changed.retentionMs),
        actual: String(original.retentionMs),
      },
      { topic: bus.topic("exportCompleted"), setting: "cleanup.policy", expected: "compact", actual: "delete" },
    ]);
    await expect(
      withAdmin((admin) => ensureTopics(admin, [changed], { namespace: bus.namespace, failOnConfigDrift: true })),
    ).rejects.toMatchObject({ code: "TOPIC_CONFIG_DRIFT" });
  });

  it("throws when an existing topic has fewer partitions than defined", async () => {
    bus = new TestBus();
    await withAdmin((admin) => ensureTopics(admin, [topics.exportLifecycle], { namespace: bus.namespace }));
    const wider: TopicDefinition = { ...topics.exportLifecycle, partitions: 12 };
    const error: unknown = await withAdmin((admin) => ensureTopics(admin, [wider], { namespace: bus.namespace })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TopicDriftError);
    expect((error as TopicDriftError).drift).toEqual([
      { topic: bus.topic("exportLifecycle"), setting: "partitions", expected: ">= 12", actual: "3" },
    ]);
  });

  it("rejects a namespace that is not a legal topic prefix", async () => {
    bus = new TestBus();
    await expect(
      withAdmin((admin) => ensureTopics(admin, [topics.exportLifecycle], { namespace: "bad namespace/" })),
    ).rejects.toBeInstanceOf(BusError);
  });
});
