import type { EventTopicKey, TopicEvent } from "@data-exporter/contracts";

export interface ClaimInput {
  readonly exportDate: string;
  readonly requestId: string;
  readonly triggeredAt: number;
  readonly triggeredBy: string;
  readonly force: boolean;
}

/** An event to publish once its plan is recorded: the topic and the event. */
export type OutboxEvent = { [K in EventTopicKey]: { readonly topic: K } & TopicEvent<K> }[EventTopicKey];

/** A plan ready to record: its events in publishing order (ExportPlanned first), and the date it claims. */
export interface PlanToCommit {
  readonly requestId: string;
  /** The run this plan makes (ExportPlanned.run): 0 for a request's first plan, n for its n-th retry. */
  readonly run?: number | undefined;
  readonly configVersion: string;
  readonly events: readonly OutboxEvent[];
  /** Scheduled exports: the date this request claims; the plan is recorded only if it wins the date. */
  readonly claim?: ClaimInput | undefined;
}

export type CommitResult =
  | { readonly committed: true; readonly forcedCount: number }
  /** Another request already exported the date (or is exporting it): nothing was recorded or queued. */
  | { readonly committed: false; readonly existingRequestId: string; readonly existingTriggeredAt: number };

/** Where plans are recorded and queued for publishing, atomically (the transactional outbox). */
export interface PlanStore {
  /** Whether the request's plan for `run` (0: its first) was already recorded (a redelivery). */
  wasPlanned(requestId: string, run?: number): Promise<boolean>;
  commit(plan: PlanToCommit): Promise<CommitResult>;
}
