import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { waitFor } from "@data-exporter/runtime";

export const serviceNames = ["request-api", "planner", "unloader", "status-tracker", "notifier"] as const;
export type ServiceName = (typeof serviceNames)[number];

export interface RunningService {
  readonly name: string;
  readonly process: ChildProcess;
  readonly healthUrl: string;
  /** Resolves with the exit code once the process ended. */
  readonly exited: Promise<number | null>;
  stop(timeoutMs?: number): Promise<void>;
}

export interface SpawnOptions {
  readonly repoRoot: string;
  readonly env: Record<string, string>;
  readonly healthPort: number;
  /** Receives each log line of the service (JSON); default: none. */
  readonly onLine?: (service: string, line: string) => void;
  readonly instance?: string;
}

/** Starts one service's real main.ts as a child process (as in production: its own process, its own config). */
export function spawnService(name: ServiceName, options: SpawnOptions): RunningService {
  const label = options.instance ? `${name}#${options.instance}` : name;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(options.repoRoot, "services", name, "src", "main.ts")],
    {
      cwd: options.repoRoot,
      env: { ...process.env, ...options.env, SERVICE_NAME: label },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  for (const stream of [child.stdout, child.stderr]) {
    const lines = createInterface({ input: stream });
    lines.on("line", (line) => options.onLine?.(label, line));
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    name: label,
    process: child,
    healthUrl: `http://127.0.0.1:${options.healthPort}`,
    exited,
    async stop(timeoutMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits until the service answers /readyz with 200, failing at once if it exits. */
export async function waitUntilReady(service: RunningService, timeoutMs = 60_000): Promise<void> {
  const ready = waitFor(
    `${service.name} to be ready`,
    async () => {
      const response = await fetch(`${service.healthUrl}/readyz`).catch(() => undefined);
      return response?.ok ? true : undefined;
    },
    { timeoutMs, intervalMs: 200 },
  );
  const exited = service.exited.then((code) => {
    throw new Error(`${service.name} exited with code ${code} before it was ready`);
  });
  await Promise.race([ready, exited]);
}
