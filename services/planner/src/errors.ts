export const plannerErrorCodes = ["INVALID_TRIGGER_ARGS", "INVALID_TRIGGER", "SCHEDULE_STORE"] as const;
export type PlannerErrorCode = (typeof plannerErrorCodes)[number];

/** Base error of the planner; `retryable` says whether the same message could succeed later. */
export class PlannerError extends Error {
  readonly code: PlannerErrorCode;
  readonly retryable: boolean;
  constructor(code: PlannerErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = "PlannerError";
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** A bad command line of the trigger: printed with the usage, exit code 2. */
export class TriggerArgsError extends PlannerError {
  constructor(message: string) {
    super("INVALID_TRIGGER_ARGS", message);
    this.name = "TriggerArgsError";
  }
}
