/** Error codes of @data-exporter/bus. */
export const busErrorCodes = [
  "INVALID_OPTION",
  "INVALID_NAMESPACE",
  "TOPIC_PARTITIONS_TOO_FEW",
  "TOPIC_CONFIG_DRIFT",
  "TOPIC_SETUP_FAILED",
  "NOT_CONNECTED",
  "PUBLISH_FAILED",
  "DEAD_LETTER_FAILED",
  "EMPTY_MESSAGE",
  "UNEXPECTED_EVENT_TYPE",
  "TOPIC_NOT_FOUND",
  "REPLAY_STALLED",
] as const;

export type BusErrorCode = (typeof busErrorCodes)[number];

export interface BusErrorOptions {
  readonly cause?: unknown;
  readonly retryable?: boolean;
  readonly context?: Readonly<Record<string, unknown>>;
}

/** Base error of the bus; `retryable` says whether the same call may succeed later (broker down vs bad input). */
export class BusError extends Error {
  override readonly name: string = "BusError";
  readonly code: BusErrorCode;
  readonly retryable: boolean;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: BusErrorCode, message: string, options: BusErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.context = Object.freeze({ ...options.context });
  }
}

/** One topic setting that differs from its TopicDefinition. */
export interface TopicDrift {
  readonly topic: string;
  readonly setting: "partitions" | "retention.ms" | "cleanup.policy";
  readonly expected: string;
  readonly actual: string;
}

/** Existing topics do not match their definitions; `drift` lists every difference. */
export class TopicDriftError extends BusError {
  override readonly name = "TopicDriftError";
  readonly drift: readonly TopicDrift[];

  constructor(code: "TOPIC_PARTITIONS_TOO_FEW" | "TOPIC_CONFIG_DRIFT", drift: readonly TopicDrift[]) {
    const list = drift.map((d) => `${d.topic} ${d.setting}: expected ${d.expected}, found ${d.actual}`).join("; ");
    super(code, `topics differ from their definitions: ${list}`, { context: { drift } });
    this.drift = drift;
  }
}
