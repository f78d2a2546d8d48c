/**
 * `npm test`: makes the real local test stack run, runs jest (unit + integration projects) against it, then
 * stops what this run started unless KEEP_STACK=1 or another run is still using the stack. If provisioning fails
 * (or is interrupted), what it had started is stopped before the error is printed.
 * Extra arguments go to jest (`npm test -- dev/stack`). TEST_STACK=testcontainers starts Kafka, PostgreSQL and moto
 * from images instead (a Docker engine needed; without one it stops at once, saying so).
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../stack/paths.js";
import { formatFailure, wantsStackTraces } from "../stack/failure-message.js";
import { startContainerStack } from "../stack/containers/containers.js";
import { testStackKindOf } from "../stack/containers/docker-engine.js";
import { ensureStack, stackEnv, stopStack, useStack } from "../stack/stack.js";

const log = (msg: string): void => {
  process.stderr.write(`[test] ${msg}\n`);
};

function runJest(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(
    process.execPath,
    ["--experimental-vm-modules", join(repoRoot, "node_modules/jest/bin/jest.js"), ...args],
    {
      cwd: repoRoot,
      env,
      stdio: "inherit",
    },
  );
  // Ctrl-C reaches jest through the terminal's process group; a plain `kill` of this process must too.
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  return new Promise((resolvePromise) => {
    child.once("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolvePromise(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--"));
  const t0 = Date.now();
  // TEST_STACK=testcontainers: Kafka, PostgreSQL and moto from images; the rest of the stack as usual beside them.
  const containers =
    testStackKindOf(process.env.TEST_STACK) === "testcontainers"
      ? await startContainerStack("test", { log: (m) => log(`testcontainers: ${m}`) })
      : undefined;
  try {
    return await runOnStack(args, t0, containers?.env ?? {});
  } finally {
    if (containers !== undefined) {
      await containers.stop();
      log("testcontainers: stopped kafka, postgres, moto");
    }
  }
}

/** The local stack's components whose endpoint `containers` does not name are provisioned as processes. */
async function runOnStack(args: string[], t0: number, containers: Readonly<Record<string, string>>): Promise<number> {
  const users = useStack("test");
  // Ctrl-C while provisioning: ensureStack gives up and stops what it had started (a failure does the same).
  const interrupted = new AbortController();
  const abort = (): void => interrupted.abort();
  process.once("SIGINT", abort);
  process.once("SIGTERM", abort);
  try {
    const { endpoints, started, reused, external } = await ensureStack("test", {
      env: { ...process.env, ...containers },
      log: (m) => log(`stack: ${m}`),
      signal: interrupted.signal,
    }).finally(() => {
      process.off("SIGINT", abort);
      process.off("SIGTERM", abort);
    });
    const describe = (label: string, list: string[]): string =>
      list.length > 0 ? ` ${label}: ${list.join(", ")};` : "";
    log(
      `stack ready in ${((Date.now() - t0) / 1000).toFixed(1)}s;${describe("started", started)}${describe("reused", reused)}${describe("external", external)}`,
    );
    const t1 = Date.now();
    const code = await runJest(args, { ...process.env, ...stackEnv(endpoints) });
    log(`jest exited with ${code} after ${((Date.now() - t1) / 1000).toFixed(1)}s`);
    if (started.length > 0) {
      const others = users.otherUsers();
      if (process.env.KEEP_STACK === "1")
        log(`KEEP_STACK=1: leaving ${started.join(", ")} running (npm run stack -- down --profile test stops them)`);
      else if (others.length > 0) log(`leaving ${started.join(", ")} running: still used by pid ${others.join(", ")}`);
      else {
        const t2 = Date.now();
        await stopStack("test", { components: started });
        log(`stopped ${started.join(", ")} in ${((Date.now() - t2) / 1000).toFixed(1)}s`);
      }
    }
    return code;
  } finally {
    users.release();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    // The message says what failed; a stack trace would only bury it (DEBUG=1 shows it; --verbose is jest's here).
    log(formatFailure("npm test", err, { verbose: wantsStackTraces([], process.env) }));
    process.exitCode = 1;
  },
);
