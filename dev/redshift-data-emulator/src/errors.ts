/**
 * Two kinds of failure, as in the real service:
 * - `ApiError`: the Data API call itself is refused (HTTP 4xx/5xx with the modelled error shape, e.g. a
 *   ValidationException); nothing is run.
 * - `StatementError`: the call was accepted but the SQL failed; the statement ends FAILED (or ABORTED) and its text,
 *   formatted as Redshift formats errors ("ERROR: ..."), is what DescribeStatement returns in `Error`.
 */

/** Error types of the Data API's model (`__type` on the wire), plus the two the AWS JSON protocol itself uses. */
export const apiErrorCodes = [
  "ValidationException",
  "ResourceNotFoundException",
  "ActiveStatementsExceededException",
  "InternalServerException",
  // Protocol level: a request the service could not route or decode.
  "UnknownOperationException",
  "SerializationException",
  // The emulator's own: a real Data API operation or parameter it does not emulate (named in the message).
  "NotEmulatedException",
] as const;
export type ApiErrorCode = (typeof apiErrorCodes)[number];

const serverFaults: ReadonlySet<ApiErrorCode> = new Set(["InternalServerException"]);

export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly code: ApiErrorCode;
  /** Extra members of the modelled error (ResourceNotFoundException's `ResourceId`). */
  readonly fields: Readonly<Record<string, string>>;

  constructor(code: ApiErrorCode, message: string, fields: Record<string, string> = {}) {
    super(message);
    this.code = code;
    this.fields = fields;
  }

  get httpStatus(): number {
    return serverFaults.has(this.code) ? 500 : 400;
  }
}

export const validation = (message: string): ApiError => new ApiError("ValidationException", message);

export const apiNotEmulated = (what: string): ApiError =>
  new ApiError("NotEmulatedException", `${what} is not emulated by the Redshift Data API emulator`);

export const statementErrorCodes = [
  /** The SQL (or the UNLOAD statement) does not parse. */
  "SYNTAX",
  /** PostgreSQL refused or failed the statement. */
  "DATABASE",
  /** An UNLOAD whose options Redshift would refuse. */
  "INVALID_UNLOAD",
  /** The IAM role is not one the emulated cluster may assume. */
  "PERMISSION",
  /** A character value longer than Redshift's 65,535-byte VARCHAR. */
  "VALUE_TOO_LONG",
  /** UNLOAD onto existing files without ALLOWOVERWRITE or CLEANPATH. */
  "DESTINATION_NOT_EMPTY",
  /** Writing to the S3 emulator failed. */
  "S3",
  /** Redshift would run it, the emulator does not (named in the message). */
  "NOT_EMULATED",
  /** CancelStatement stopped it. */
  "CANCELLED",
] as const;
export type StatementErrorCode = (typeof statementErrorCodes)[number];

/** Redshift's layout of an error: "ERROR: message" and, for errors raised in the cluster, a DETAIL block. */
export function redshiftMessage(message: string, detail?: Readonly<Record<string, string | number>>): string {
  if (detail === undefined) return `ERROR: ${message}`;
  const rule = "  -----------------------------------------------";
  const lines = Object.entries(detail).map(([key, value]) => `  ${`${key}:`.padEnd(10)} ${value}`);
  return [`ERROR: ${message}`, "DETAIL: ", rule, ...lines, rule].join("\n");
}

export class StatementError extends Error {
  override readonly name = "StatementError";
  readonly code: StatementErrorCode;

  /** `message` is the full text DescribeStatement shows, "ERROR: ..." included. */
  constructor(code: StatementErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export const syntaxError = (near: string | undefined): StatementError =>
  new StatementError(
    "SYNTAX",
    redshiftMessage(near === undefined ? "syntax error at end of input" : `syntax error at or near "${near}"`),
  );

export const notEmulated = (what: string): StatementError =>
  new StatementError(
    "NOT_EMULATED",
    redshiftMessage(`${what} is not supported by the Redshift Data API emulator (see dev/redshift-data-emulator)`),
  );

/** Redshift's longest VARCHAR, in bytes. */
export const MAX_VARCHAR_BYTES = 65_535;

export const valueTooLong = (column: string, bytes: number, queryId: number): StatementError =>
  new StatementError(
    "VALUE_TOO_LONG",
    redshiftMessage("Value too long for character type", {
      error: "Value too long for character type",
      code: 8001,
      context: `column "${column}" holds ${bytes} bytes; Redshift's VARCHAR holds at most ${MAX_VARCHAR_BYTES}`,
      query: queryId,
    }),
  );
