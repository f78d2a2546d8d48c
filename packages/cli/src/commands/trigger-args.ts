import { exitCodes, type ExitCode } from "../exit-codes.js";

/** The CLI's trigger options; the planner's trigger validates the dates (its parseTriggerArgs), not the CLI. */
export interface TriggerArgs {
  readonly date?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly force: boolean;
  readonly triggeredBy?: string | undefined;
}

/** The planner trigger's command line for these options, always with --json (its document is what we read). */
export function triggerArgv(args: TriggerArgs): string[] {
  return [
    ...(args.date === undefined ? [] : ["--date", args.date]),
    ...(args.from === undefined ? [] : ["--from", args.from]),
    ...(args.to === undefined ? [] : ["--to", args.to]),
    ...(args.force ? ["--force"] : []),
    ...(args.triggeredBy === undefined ? [] : ["--triggered-by", args.triggeredBy]),
    "--json",
  ];
}

/** One event the trigger published (the fields of its --json document the CLI uses). */
export interface Triggered {
  readonly requestId: string;
  readonly exportDate: string;
  readonly force: boolean;
}

/** The trigger's --json document: `{"triggered":[...]}`; an empty list when it printed nothing. */
export function parseTriggered(stdout: string): Triggered[] {
  const text = stdout.trim();
  if (text === "") return [];
  const document = JSON.parse(text) as { triggered?: unknown };
  if (!Array.isArray(document.triggered)) throw new Error(`unexpected trigger output: ${text.slice(0, 200)}`);
  return (document.triggered as Partial<Triggered>[]).map((entry) => {
    if (typeof entry.requestId !== "string" || typeof entry.exportDate !== "string") {
      throw new Error(`unexpected trigger output: ${text.slice(0, 200)}`);
    }
    return { requestId: entry.requestId, exportDate: entry.exportDate, force: entry.force === true };
  });
}

/**
 * The CLI's exit code for an entry point's (trigger, dlq): 0 and 2 mean the same; their 1 is "could not reach
 * Kafka or the database", which the CLI reports as 3.
 */
export function exitCodeOfEntryPoint(code: number): ExitCode {
  if (code === 0) return exitCodes.ok;
  if (code === 2) return exitCodes.badArguments;
  if (code === 1) return exitCodes.unreachable;
  return exitCodes.failed;
}
