/**
 * Where this checkout's files are: the CLI is a workspace package of the repository and runs its entry points (the
 * planner's trigger, the status tracker's dead-letter tool) and reads the token file `npm start` writes.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** packages/cli/src → the repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The operator token `npm start` writes (role exporter-admin, 30 days). */
export const localTokenFile = join(repoRoot, ".local", "dev", "token");

export function readLocalToken(): string | undefined {
  return existsSync(localTokenFile) ? readFileSync(localTokenFile, "utf8") : undefined;
}

export const entryPoints = {
  /** What the daily CronJob runs: publishes DailyExportTriggered (exit 0, 1 Kafka unreachable, 2 bad arguments). */
  trigger: join(repoRoot, "services", "planner", "src", "trigger.ts"),
  /** The dead-letter tool (exit 0, 1 Kafka or database unreachable, 2 bad arguments or unknown id). */
  dlq: join(repoRoot, "services", "status-tracker", "src", "dlq.ts"),
} as const;
