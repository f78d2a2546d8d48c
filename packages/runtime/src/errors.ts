export const runtimeErrorCodes = ["CONFIG_INVALID"] as const;
export type RuntimeErrorCode = (typeof runtimeErrorCodes)[number];

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  constructor(code: RuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RuntimeError";
    this.code = code;
  }
}

/** Start-up configuration is missing or malformed; `problems` names every bad variable at once. */
export class ConfigError extends RuntimeError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super("CONFIG_INVALID", `invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}
