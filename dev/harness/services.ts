import { spawn, type ChildProcess, type ChildProcessByStdio } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { waitFor } from "@data-exporter/runtime";
import { repoRoot } from "../stack/paths.js";
import { serviceDatabaseEnv } from "./service-database-env.js";
import { describeExit, type ProcessExit } from "./restart-policy.js";

/** The export pipeline and its API: every deployment runs them. */
export const serviceNames = [
  "request-api",
  "planner",
  "unloader",
  "status-tracker",
  "notifier",
  "catalog-registrar",
] as const;
/** Served beside the pipeline where its consumers need it (npm start, its own tests): the Delta Sharing server. */
export const sharingServiceName = "sharing-server";
export type PipelineServiceName = (typeof serviceNames)[number];
export type ServiceName = PipelineServiceName | typeof sharingServiceName;

export interface RunningService {
  readonly name: string;
  readonly process: ChildProcess;
  readonly healthUrl: string;
  /** Answers 200 once the process is ready to serve. */
  readonly readyUrl: string;
  /** Resolves with the exit code once the process ended. */
  readonly exited: Promise<number | null>;
  /** Resolves with the exit code or the signal that ended the process. */
  readonly exit: Promise<ProcessExit>;
  stop(timeoutMs?: number): Promise<void>;
}

export interface SpawnOptions {
  readonly env: Record<string, string>;
  readonly healthPort: number;
  /** Receives each log line of the service (JSON); default: none. */
  readonly onLine?: (service: string, line: string) => void;
  readonly instance?: string;
  /**
   * "compiled" runs `services/<name>/dist/main.js` with plain node, as the image does (after `npm run build`);
   * default "sources": main.ts through tsx.
   */
  readonly code?: "sources" | "compiled";
  /** Flags for node itself, before the entry point (e.g. --cpu-prof, which NODE_OPTIONS does not accept). */
  readonly nodeArgs?: readonly string[];
}

/**
 * Runs a TypeScript entry point of this repository (a service's main.ts, the planner's trigger) with tsx in its own
 * process, as production runs it: configured by its environment, output piped to the caller.
 */
export function spawnEntryPoint(
  entryPoint: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  /** false: `env` is the whole environment (nothing of this process's, such as other roles' credentials). */
  inherit = true,
  nodeArgs: readonly string[] = [],
): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(
    process.execPath,
    [...nodeArgs, "--conditions=source", "--import", "tsx", join(repoRoot, entryPoint), ...args],
    {
      cwd: repoRoot,
      env: inherit ? { ...process.env, ...env } : env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
}

/** Runs a compiled entry point (`npm run build` output) with node alone: no tsx, workspaces resolved to dist/. */
function spawnCompiled(
  entryPoint: string,
  env: Readonly<Record<string, string>>,
  nodeArgs: readonly string[] = [],
): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, [...nodeArgs, "--enable-source-maps", join(repoRoot, entryPoint)], {
    cwd: repoRoot,
    // The service's whole environment (spawnService passes it complete: its own database login only).
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Reads every line of the streams (a child's stdout and stderr are read even if nobody listens, so it never blocks). */
export function forEachLine(streams: readonly Readable[], onLine: (line: string) => void): void {
  for (const input of streams) createInterface({ input }).on("line", onLine);
}

/** What a one-shot entry point did: its exit code and everything it wrote. */
export interface EntryPointRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a one-shot entry point (the trigger, the rebuild) to its end; `onStdoutLine` / `onStderrLine` see each line
 * as it comes.
 */
export async function runEntryPoint(
  entryPoint: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  options: { onStdoutLine?: (line: string) => void; onStderrLine?: (line: string) => void } = {},
): Promise<EntryPointRun> {
  const child = spawnEntryPoint(entryPoint, args, env);
  let stdout = "";
  let stderr = "";
  forEachLine([child.stdout], (line) => {
    stdout += `${line}\n`;
    options.onStdoutLine?.(line);
  });
  forEachLine([child.stderr], (line) => {
    stderr += `${line}\n`;
    options.onStderrLine?.(line);
  });
  const code = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (exitCode) => resolve(exitCode ?? 1));
  });
  return { code, stdout, stderr };
}

/**
 * A long-lived child process as a RunningService: `stop` sends SIGTERM, then SIGKILL after the timeout. Nothing
 * restarts it when it dies (supervisor.ts does, for npm start).
 */
export function runningService(
  child: ChildProcess,
  where: { name: string; healthUrl: string; readyUrl: string },
  stopTimeoutMs: number,
): RunningService {
  const exit = new Promise<ProcessExit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const exited = exit.then((e) => e.code);
  return {
    ...where,
    process: child,
    exit,
    exited,
    async stop(timeoutMs = stopTimeoutMs) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts one service's real main.ts as a child process (as in production: its own process, its own config). */
export function spawnService(name: ServiceName, options: SpawnOptions): RunningService {
  const label = options.instance ? `${name}#${options.instance}` : name;
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const env = serviceDatabaseEnv(name, { ...inherited, ...options.env });
  const child =
    options.code === "compiled"
      ? spawnCompiled(`services/${name}/dist/main.js`, env, options.nodeArgs)
      : spawnEntryPoint(`services/${name}/src/main.ts`, [], env, false, options.nodeArgs);
  forEachLine([child.stdout, child.stderr], (line) => options.onLine?.(label, line));
  const healthUrl = `http://127.0.0.1:${options.healthPort}`;
  return runningService(child, { name: label, healthUrl, readyUrl: `${healthUrl}/readyz` }, 20_000);
}

/** Waits until the process answers its readiness URL with 200, failing at once if it exits. */
export async function waitUntilReady(service: RunningService, timeoutMs = 60_000): Promise<void> {
  const ready = waitFor(
    `${service.name} to be ready`,
    async () => {
      const response = await fetch(service.readyUrl).catch(() => undefined);
      return response?.ok ? true : undefined;
    },
    { timeoutMs, intervalMs: 200 },
  );
  const exited = service.exit.then((exit) => {
    throw new Error(`${service.name} exited (${describeExit(exit)}) before it was ready`);
  });
  await Promise.race([ready, exited]);
}
