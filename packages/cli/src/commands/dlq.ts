import type { RunEntryPoint } from "../entry-point-runner.js";
import type { ExitCode } from "../exit-codes.js";
import { entryPoints } from "../repository.js";
import { exitCodeOfEntryPoint } from "./trigger-args.js";

export type DlqCommand =
  | { readonly command: "list"; readonly pending: boolean }
  | { readonly command: "show"; readonly id: string }
  | { readonly command: "redrive"; readonly ids: readonly string[]; readonly all: boolean; readonly dryRun: boolean };

/** The status tracker's dead-letter tool's command line for a CLI dlq command. */
export function dlqArgv(command: DlqCommand, jsonOutput: boolean): string[] {
  const rest =
    command.command === "list"
      ? command.pending
        ? ["--pending"]
        : []
      : command.command === "show"
        ? [command.id]
        : [...command.ids, ...(command.all ? ["--all"] : []), ...(command.dryRun ? ["--dry-run"] : [])];
  return [command.command, ...rest, ...(jsonOutput ? ["--json"] : [])];
}

/**
 * Runs services/status-tracker/src/dlq.ts (the one dead-letter tool) with the environment it reads (KAFKA_BROKERS,
 * TOPIC_NAMESPACE, DATABASE_URL, STATUS_SCHEMA); its output is the CLI's.
 */
export async function runDlq(
  deps: { readonly runEntryPoint: RunEntryPoint; readonly env: Readonly<Record<string, string | undefined>> },
  command: DlqCommand,
  jsonOutput: boolean,
): Promise<ExitCode> {
  const run = await deps.runEntryPoint(entryPoints.dlq, dlqArgv(command, jsonOutput), {
    env: deps.env,
    captureStdout: false,
  });
  return exitCodeOfEntryPoint(run.code);
}
