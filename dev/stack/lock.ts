import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { StackError } from "./errors.js";
import type { ProfileDirs } from "./paths.js";
import { isAlive } from "./processes.js";

/**
 * Cross-process mutex (mkdir is atomic) so two test runs do not start the same broker twice.
 * A lock whose owner died is taken over.
 */
export async function withStackLock<T>(
  dirs: ProfileDirs,
  timeoutMs: number,
  fn: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const lockDir = join(dirs.root, "stack.lock");
  const owner = join(lockDir, "owner");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(owner, String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let pid = NaN;
      try {
        pid = Number(readFileSync(owner, "utf8"));
      } catch {
        // Owner file not written yet: the other process is between mkdir and write.
      }
      if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) rmSync(lockDir, { recursive: true, force: true });
      else if (signal?.aborted === true) {
        throw new StackError("INTERRUPTED", `interrupted while waiting for ${lockDir} (held by pid ${pid})`);
      } else if (Date.now() > deadline) {
        throw new StackError(
          "LOCK_TIMEOUT",
          `another process (pid ${pid}) holds ${lockDir} for more than ${timeoutMs} ms`,
        );
      } else await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * Marks this process as a user of the profile's stack (leases/<pid>), so that a run which started the stack
 * does not stop it under another run that is still using it. Returns the release function.
 */
export function registerStackUser(dirs: ProfileDirs, pid = process.pid): () => void {
  const file = join(dirs.leases, String(pid));
  writeFileSync(file, String(Date.now()));
  return () => rmSync(file, { force: true });
}

/** Live processes other than us that registered as users of the stack; dead leases are removed. */
export function otherStackUsers(dirs: ProfileDirs, self = process.pid): number[] {
  const users: number[] = [];
  for (const name of readdirSync(dirs.leases)) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === self) continue;
    if (isAlive(pid)) users.push(pid);
    else rmSync(join(dirs.leases, name), { force: true });
  }
  return users;
}
