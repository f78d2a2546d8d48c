import { spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../stack/paths.js";

export interface TriggerRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Request ids of the events it published, in order (from its "export triggered" log lines). */
  readonly requestIds: string[];
}

/** Runs the planner's trigger entry point as the CronJob does: its own process, configured by environment. */
export function runTrigger(args: readonly string[], env: Record<string, string>): Promise<TriggerRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(repoRoot, "services/planner/src/trigger.ts"), ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => {
      const requestIds = stdout
        .split("\n")
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as { msg?: string; requestId?: string }];
          } catch {
            return [];
          }
        })
        .filter((record) => record.msg === "export triggered" && typeof record.requestId === "string")
        .map((record) => record.requestId as string);
      resolve({ code, stdout, stderr, requestIds });
    });
  });
}
