import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { StackError } from "./errors.js";
import { listensOn } from "./ports.js";

export interface WaitOptions {
  component: string;
  timeoutMs: number;
  /** Fails fast when the process we started has died. */
  stillRunning?: () => boolean;
  logFile?: string;
  /** Ready only once this process itself listens on this port (not someone else's server on it). */
  owner?: { pid: number; port: number };
  /** Gives up at once when aborted (Ctrl-C during provisioning). */
  signal?: AbortSignal | undefined;
}

function logTail(file: string | undefined): string {
  if (file === undefined) return "";
  try {
    const lines = readFileSync(file, "utf8").trimEnd().split("\n").slice(-20);
    return `\n--- last lines of ${file}:\n${lines.join("\n")}`;
  } catch {
    return "";
  }
}

/** Polls probe until it resolves true; rejects with the last error and the log tail on timeout or death. */
export async function waitUntilReady(probe: () => Promise<boolean>, opts: WaitOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const ours = opts.owner === undefined || listensOn(opts.owner.pid, opts.owner.port);
      if (!ours) lastError = new Error(`pid ${opts.owner?.pid} does not listen on port ${opts.owner?.port} yet`);
      else if (await probe()) return;
    } catch (err) {
      lastError = err;
    }
    const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
    if (opts.signal?.aborted === true) {
      throw new StackError("INTERRUPTED", `${opts.component}: interrupted while waiting for it to answer`, {
        component: opts.component,
      });
    }
    if (opts.stillRunning !== undefined && !opts.stillRunning()) {
      throw new StackError("NOT_READY", `${opts.component} exited during start-up${reason}${logTail(opts.logFile)}`, {
        component: opts.component,
        logFile: opts.logFile,
      });
    }
    if (Date.now() > deadline) {
      throw new StackError(
        "NOT_READY",
        `${opts.component} not ready after ${opts.timeoutMs} ms${reason}${logTail(opts.logFile)}`,
        {
          component: opts.component,
          logFile: opts.logFile,
          retryable: true,
        },
      );
    }
    await sleep(250);
  }
}
