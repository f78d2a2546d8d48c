import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { StackError } from "./errors.js";
import type { ProfileDirs } from "./paths.js";

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** Appends the command's output here instead of keeping it in memory only. */
  logFile?: string;
}

/** Runs a command to completion; rejects with its output when it exits non-zero. */
export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      ...(opts.uid === undefined ? {} : { uid: opts.uid }),
      ...(opts.gid === undefined ? {} : { gid: opts.gid }),
    });
    let output = "";
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", (cause) =>
      reject(
        new StackError("COMMAND_FAILED", `cannot run ${command}: ${cause.message}`, { cause, logFile: opts.logFile }),
      ),
    );
    child.once("close", (code, signal) => {
      if (opts.logFile !== undefined)
        writeFileSync(opts.logFile, `$ ${command} ${args.join(" ")}\n${output}`, { flag: "a" });
      if (code === 0) resolvePromise(stdout);
      else {
        const tail = output.trim().split("\n").slice(-15).join("\n");
        reject(
          new StackError(
            "COMMAND_FAILED",
            `${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`}):\n${tail}`,
            { logFile: opts.logFile },
          ),
        );
      }
    });
  });
}

export interface DetachedSpec {
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

const pidFile = (dirs: ProfileDirs, name: string): string => join(dirs.pids, `${name}.pid`);
export const logFile = (dirs: ProfileDirs, name: string): string => join(dirs.logs, `${name}.log`);

/**
 * Starts a long-lived process in its own session with output to logs/<name>.log, so it outlives the caller,
 * and records its pid in pids/<name>.pid.
 */
export function spawnDetached(dirs: ProfileDirs, spec: DetachedSpec): number {
  const log = logFile(dirs, spec.name);
  const fd = openSync(log, "a");
  try {
    writeFileSync(fd, `\n--- ${new Date().toISOString()} starting ${spec.command} ${spec.args.join(" ")}\n`);
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ["ignore", fd, fd],
      ...(spec.uid === undefined ? {} : { uid: spec.uid }),
      ...(spec.gid === undefined ? {} : { gid: spec.gid }),
    });
    // A spawn failure (missing binary) surfaces as readiness timeout plus this log line.
    child.once("error", (err) => writeFileSync(log, `spawn failed: ${err.message}\n`, { flag: "a" }));
    child.unref();
    if (child.pid === undefined) throw new StackError("COMMAND_FAILED", `cannot start ${spec.name}: ${spec.command}`);
    writeFileSync(pidFile(dirs, spec.name), `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export function readPid(dirs: ProfileDirs, name: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile(dirs, name), "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function removePidFile(dirs: ProfileDirs, name: string): void {
  rmSync(pidFile(dirs, name), { force: true });
}

/** Command line of a live (non-zombie) process, or undefined. */
export function cmdlineOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The state follows the parenthesised command name, which may itself contain spaces.
    if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return undefined;
  }
}

/** True while the process runs (a zombie has ended). */
export function isAlive(pid: number): boolean {
  return cmdlineOf(pid) !== undefined;
}

/** True when pid is alive and its command line contains every marker: guards against pid reuse. */
export function isOurProcess(pid: number, markers: readonly string[]): boolean {
  const cmdline = cmdlineOf(pid);
  return cmdline !== undefined && markers.every((m) => cmdline.includes(m));
}

/** The recorded pid of <name> if it is still the process we started. */
export function runningPid(dirs: ProfileDirs, name: string, markers: readonly string[]): number | undefined {
  const pid = readPid(dirs, name);
  return pid !== undefined && isOurProcess(pid, markers) ? pid : undefined;
}

/**
 * Stops the process recorded in pids/<name>.pid, only if it still is ours; escalates to SIGKILL after timeoutMs.
 * Returns whether a process was stopped.
 */
export async function stopRecorded(
  dirs: ProfileDirs,
  name: string,
  markers: readonly string[],
  opts: { signal?: NodeJS.Signals; timeoutMs?: number } = {},
): Promise<boolean> {
  const pid = runningPid(dirs, name, markers);
  if (pid === undefined) {
    removePidFile(dirs, name);
    return false;
  }
  const signalProcess = (signal: NodeJS.Signals): void => {
    // Re-check right before signalling: the pid must still be our process.
    if (isOurProcess(pid, markers)) process.kill(pid, signal);
  };
  signalProcess(opts.signal ?? "SIGTERM");
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  while (isOurProcess(pid, markers)) {
    if (Date.now() > deadline) {
      signalProcess("SIGKILL");
      await sleep(200);
      break;
    }
    await sleep(100);
  }
  removePidFile(dirs, name);
  return true;
}
