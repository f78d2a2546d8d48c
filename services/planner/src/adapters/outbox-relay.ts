import type { EventTopicKey, TopicEvent } from "@data-exporter/contracts";
import type { QueuedEvent } from "./planner-state.js";

export interface RelayDeps {
  readonly unpublished: (limit: number) => Promise<readonly QueuedEvent[]>;
  readonly markPublished: (ids: readonly string[]) => Promise<void>;
  /** Publishes in the trace of the handling that queued the event (its stored traceparent, when it has one). */
  readonly publish: <K extends EventTopicKey>(
    topic: K,
    event: TopicEvent<K>,
    traceparent: string | null,
  ) => Promise<void>;
  /**
   * Runs `relay` while holding the deployment-wide relay lock, or not at all if another replica holds it, so
   * events are published by one relay at a time, in the order they were queued.
   */
  readonly exclusively: (relay: () => Promise<void>) => Promise<void>;
}

const BATCH = 100;

/**
 * Publishes the planner's queued events in order and marks them published. A crash after a publish and before the
 * mark publishes that event again at the next relay: every consumer tolerates a repeat (the status tracker keeps
 * the first plan, the unloader's job record answers a repeated command). `kick` runs it now (after a plan was
 * recorded); a periodic call catches anything left behind.
 */
export class OutboxRelay {
  #running: Promise<void> | undefined;
  #again = false;

  constructor(private readonly deps: RelayDeps) {}

  /** Relays until nothing is queued; a kick while it runs makes it look once more. */
  kick(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.deps.exclusively(() => this.drain());
        } while (this.#again);
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const batch = await this.deps.unpublished(BATCH);
      if (batch.length === 0) return;
      for (const event of batch) {
        await this.deps.publish(event.topic, event, event.traceparent);
        await this.deps.markPublished([event.id]);
      }
    }
  }
}
