import type { TriggeredExport } from "../../services/planner/src/cli/trigger-output.js";
import { runEntryPoint } from "./services.js";

export type { TriggeredExport };

/** The planner's trigger: what the daily CronJob runs. */
const triggerEntryPoint = "services/planner/src/trigger.ts";

export interface TriggerRun {
  /** 0 published, 1 could not publish, 2 bad arguments or configuration (the usage is then in stderr). */
  readonly code: number;
  /** Every event it published, in order; after a failure (code 1), those published before it. */
  readonly triggered: readonly TriggeredExport[];
  /** Its logs (JSON lines) and error messages. */
  readonly stderr: string;
  /** The usage text, when `--help` was asked for. */
  readonly help?: string;
}

export interface TriggerOptions {
  /** Each line the trigger writes to stderr (its logs, or the usage after bad arguments), as it comes. */
  readonly onStderrLine?: (line: string) => void;
}

/**
 * Runs the planner's trigger entry point as the CronJob does (its own process, configured by `env`) with `--json`,
 * and returns what it published from the document it prints on stdout.
 */
export async function runTrigger(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  options: TriggerOptions = {},
): Promise<TriggerRun> {
  const { code, stdout, stderr } = await runEntryPoint(triggerEntryPoint, [...args, "--json"], env, options);
  return { code, stderr, ...parseTriggerStdout(stdout) };
}

/** What the trigger printed on stdout under `--json`: its document, or the usage when `--help` was asked for. */
export function parseTriggerStdout(stdout: string): { triggered: readonly TriggeredExport[]; help?: string } {
  const text = stdout.trim();
  if (text === "") return { triggered: [] };
  if (!text.startsWith("{")) return { triggered: [], help: text };
  const output = JSON.parse(text) as { triggered?: unknown };
  const triggered = Array.isArray(output.triggered) ? (output.triggered as unknown[]) : undefined;
  if (triggered?.every(isTriggeredExport) !== true)
    throw new Error(`the trigger's --json output is not {"triggered":[...]}: ${text}`);
  return { triggered };
}

function isTriggeredExport(value: unknown): value is TriggeredExport {
  const entry = value as Partial<TriggeredExport> | null;
  return typeof entry?.requestId === "string" && typeof entry.exportDate === "string";
}
