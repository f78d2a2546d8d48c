export const demoDataErrorCodes = ["DEMO_PARAMS_INVALID", "DEMO_SEED_FAILED"] as const;
export type DemoDataErrorCode = (typeof demoDataErrorCodes)[number];

export class DemoDataError extends Error {
  readonly code: DemoDataErrorCode;
  readonly retryable: boolean;

  constructor(code: DemoDataErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DemoDataError";
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** Seed parameters out of range; `problems` lists every bad one. */
export class DemoParamsInvalidError extends DemoDataError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super("DEMO_PARAMS_INVALID", `invalid demo seed parameters:\n  - ${problems.join("\n  - ")}`);
    this.name = "DemoParamsInvalidError";
    this.problems = problems;
  }
}
