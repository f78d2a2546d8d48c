import type { RebuildOutput } from "../../services/status-tracker/src/cli/rebuild-output.js";
import { runEntryPoint } from "./services.js";

export type { RebuildOutput };

/** The status tracker's rebuild command (docs/rebuild.md). */
const rebuildEntryPoint = "services/status-tracker/src/rebuild.ts";

export interface RebuildRun {
  /** 0 rebuilt (and equal), 1 failed or a difference, 2 bad arguments, configuration or a refused schema. */
  readonly code: number;
  /** Its result: the report, or one JSON line under --json. */
  readonly stdout: string;
  /** Its logs (JSON lines) and error messages. */
  readonly stderr: string;
  /** The --json document, when it printed one. */
  readonly output?: RebuildOutput;
}

/**
 * Runs the rebuild entry point in its own process, configured by `env` (KAFKA_BROKERS, TOPIC_NAMESPACE,
 * DATABASE_URL, STATUS_SCHEMA), and waits for it to end; `onStdoutLine` / `onStderrLine` see its lines as they come.
 */
export async function runRebuild(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  options: { onStdoutLine?: (line: string) => void; onStderrLine?: (line: string) => void } = {},
): Promise<RebuildRun> {
  const { code, stdout, stderr } = await runEntryPoint(rebuildEntryPoint, args, env, options);
  const text = stdout.trim();
  return text.startsWith("{") && args.includes("--json")
    ? { code, stdout, stderr, output: JSON.parse(text) as RebuildOutput }
    : { code, stdout, stderr };
}
