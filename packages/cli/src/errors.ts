/** Why a command did not do what it was asked; each code maps to one exit code (exit-codes.ts). */
export const codes = [
  "BAD_ARGUMENTS",
  "API_UNREACHABLE",
  "API_REFUSED",
  "EXPORT_NOT_DONE",
  "DOWNLOAD_MISMATCH",
  "BACKEND_UNREACHABLE",
] as const;
export type CliErrorCode = (typeof codes)[number];

export class CliError extends Error {
  readonly code: CliErrorCode;
  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = "CliError";
  }
}

/** An argument the CLI itself rejects before calling anything (exit 2). */
export class BadArgumentsError extends CliError {
  constructor(message: string) {
    super("BAD_ARGUMENTS", message);
    this.name = "BadArgumentsError";
  }
}

/** No GraphQL answer came back: connection refused, DNS, timeout, or something that is not the API answered. */
export class ApiUnreachableError extends CliError {
  readonly url: string;
  constructor(url: string, reason: string, options?: { cause?: unknown }) {
    super(
      "API_UNREACHABLE",
      `cannot reach the data-exporter API at ${url}: ${reason}. Is it running (npm start)? ` +
        "Point --url or DATA_EXPORTER_URL at its gateway.",
      options,
    );
    this.url = url;
    this.name = "ApiUnreachableError";
  }
}

/** The API answered with GraphQL errors; `apiCode` is their extensions.code (BAD_USER_INPUT, NOT_FOUND, ...). */
export class ApiError extends CliError {
  readonly apiCode: string | undefined;
  constructor(apiCode: string | undefined, message: string) {
    super(isBadInput(apiCode) ? "BAD_ARGUMENTS" : "API_REFUSED", message);
    this.apiCode = apiCode;
    this.name = "ApiError";
  }
}

function isBadInput(apiCode: string | undefined): boolean {
  return apiCode === "BAD_USER_INPUT" || apiCode === "GRAPHQL_VALIDATION_FAILED" || apiCode === "GRAPHQL_PARSE_FAILED";
}
