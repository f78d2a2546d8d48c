import { randomBytes } from "node:crypto";
import { EventConsumer, type Envelope } from "@data-exporter/bus";
import type { EventTopicKey } from "@data-exporter/contracts";
import { waitFor } from "@data-exporter/runtime";
import { kafkaFromEnv } from "./topics.js";

/**
 * Records every event of some topics of a deployment as it arrives, with partition and offset, through a consumer
 * group of its own that starts at the beginning (so it misses nothing published before it joined).
 */
export class EventRecorder<K extends EventTopicKey> {
  readonly events: Envelope<K>[] = [];
  readonly #consumer: EventConsumer<K>;

  private constructor(namespace: string, topicKeys: readonly K[]) {
    this.#consumer = new EventConsumer(kafkaFromEnv("e2e-event-recorder"), {
      groupId: `${namespace}e2e-recorder-${randomBytes(4).toString("hex")}`,
      topics: topicKeys,
      namespace,
      handler: (envelope) => void this.events.push(envelope),
    });
  }

  static async start<K extends EventTopicKey>(namespace: string, topicKeys: readonly K[]): Promise<EventRecorder<K>> {
    const recorder = new EventRecorder(namespace, topicKeys);
    await recorder.#consumer.start();
    return recorder;
  }

  /** Waits for the first recorded event that matches. */
  waitForEvent<E extends Envelope<K>>(
    what: string,
    match: (envelope: Envelope<K>) => envelope is E,
    timeoutMs?: number,
  ): Promise<E>;
  waitForEvent(what: string, match: (envelope: Envelope<K>) => boolean, timeoutMs?: number): Promise<Envelope<K>>;
  waitForEvent(what: string, match: (envelope: Envelope<K>) => boolean, timeoutMs = 30_000): Promise<Envelope<K>> {
    return waitFor(what, () => this.events.find(match), { timeoutMs, intervalMs: 50 });
  }

  stop(): Promise<void> {
    return this.#consumer.stop();
  }
}
