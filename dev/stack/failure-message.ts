/**
 * How the dev commands print a failure: one message saying what failed, which log to read and what to do, without
 * a stack trace (a person acts on the message; the trace is for whoever debugs the tooling, behind --verbose/DEBUG).
 */
import { StackError, type StackErrorCode } from "./errors.js";

/** What to do next, per failure code, when the message itself does not already say it. */
const nextSteps: Partial<Record<StackErrorCode, string>> = {
  MISSING_SYSTEM_PACKAGE: "install what is listed above, then run the command again",
  COMMAND_FAILED: "read the output above (and the log), fix the cause, then run the command again",
  NOT_READY: "read the log above; `npm run stack -- down --profile <dev|test>` stops what is left, then run again",
  PROVISION_FAILED: "fix the first failure above, then run the command again (what this run started was stopped)",
  LOCK_TIMEOUT: "another npm start/test of this checkout is provisioning: wait for it, or stop it",
  INTERRUPTED: "run the command again when you are ready",
};

/** DEBUG set (to anything but 0/false) or --verbose among the arguments: print stack traces too. */
export function wantsStackTraces(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const debug = (env.DEBUG ?? "").trim().toLowerCase();
  return argv.includes("--verbose") || (debug !== "" && debug !== "0" && debug !== "false");
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = error; e !== undefined && chain.length < 5; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
    if (!(e instanceof Error)) break;
  }
  return chain;
}

/** The first log file named along the error and its causes. */
function logFileOf(error: unknown): string | undefined {
  for (const e of causes(error)) if (e instanceof StackError && e.logFile !== undefined) return e.logFile;
  return undefined;
}

/**
 * The failure as `<what>: <message>`, the log to read (unless the message shows it already), what to do, and either
 * how to see the stack trace or (verbose) the traces of the error and its causes.
 */
export function formatFailure(what: string, error: unknown, opts: { verbose: boolean }): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`${what}: ${message}`];
  const log = logFileOf(error);
  if (log !== undefined && !message.includes(log)) lines.push(`log: ${log}`);
  const step = error instanceof StackError ? nextSteps[error.code] : undefined;
  if (step !== undefined) lines.push(`what to do: ${step}`);
  if (opts.verbose) {
    for (const e of causes(error)) if (e instanceof Error && e.stack !== undefined) lines.push(e.stack);
  } else lines.push("(run with DEBUG=1 or --verbose for the stack trace)");
  return lines.join("\n");
}
