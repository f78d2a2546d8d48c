/** Failure codes of the local stack provisioning. */
export const codes = [
  "MISSING_SYSTEM_PACKAGE",
  "COMMAND_FAILED",
  "PORT_IN_USE",
  "NOT_READY",
  "LOCK_TIMEOUT",
  "NOT_TRAVERSABLE",
  "FOREIGN_DATA_DIR",
  "PROVISION_FAILED",
  "INTERRUPTED",
  // TEST_STACK=testcontainers on a machine without a Docker engine.
  "NO_CONTAINER_ENGINE",
] as const;
export type StackErrorCode = (typeof codes)[number];

export class StackError extends Error {
  override readonly name = "StackError";
  readonly code: StackErrorCode;
  readonly retryable: boolean;
  readonly component: string | undefined;
  /** The log file that says more (a failed command's output, a server that did not come up). */
  readonly logFile: string | undefined;

  constructor(
    code: StackErrorCode,
    message: string,
    opts: { cause?: unknown; component?: string; retryable?: boolean; logFile?: string | undefined } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.component = opts.component;
    this.logFile = opts.logFile;
  }
}
