import { CliError, type CliErrorCode } from "./errors.js";

/** The CLI's exit codes, documented in its README: scripts branch on them. */
export const exitCodes = {
  /** Done: the command did what it was asked (a watched export completed). */
  ok: 0,
  /** Failed: the export failed, was cancelled or only partly completed; a download did not verify; the API refused. */
  failed: 1,
  /** Bad arguments: rejected by the CLI or, as BAD_USER_INPUT, by the API. */
  badArguments: 2,
  /** Cannot reach the API (or, for trigger and dlq, Kafka or the state database). */
  unreachable: 3,
} as const;
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

const byErrorCode: Record<CliErrorCode, ExitCode> = {
  BAD_ARGUMENTS: exitCodes.badArguments,
  API_UNREACHABLE: exitCodes.unreachable,
  BACKEND_UNREACHABLE: exitCodes.unreachable,
  API_REFUSED: exitCodes.failed,
  EXPORT_NOT_DONE: exitCodes.failed,
  DOWNLOAD_MISMATCH: exitCodes.failed,
};

/** The exit code for an error a command threw; anything unexpected is a failure. */
export function exitCodeOfError(error: unknown): ExitCode {
  return error instanceof CliError ? byErrorCode[error.code] : exitCodes.failed;
}

/** Statuses after which an export changes no more (until retryExport). */
export const terminalStatuses = ["Completed", "Failed", "Partially Completed", "Cancelled"] as const;

export function isTerminal(status: string): boolean {
  return (terminalStatuses as readonly string[]).includes(status);
}

/** 0 for a completed export, 1 for one that finished any other way; 0 while it runs (nothing failed yet). */
export function exitCodeOfStatus(status: string): ExitCode {
  return isTerminal(status) && status !== "Completed" ? exitCodes.failed : exitCodes.ok;
}
