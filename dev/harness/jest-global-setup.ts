/**
 * Jest global setup of the integration project: makes the real local test stack run (reusing it when it is
 * already up) and exports its endpoints through process.env, which jest workers inherit.
 * When the stack variables are already set (dev/commands/test.ts, CI, or a developer pointing at their own
 * services) it only registers this jest run as a user of the stack.
 *
 * Jest loads this file as CommonJS, outside its ESM module mapping, so it cannot import the ESM stack code:
 * it runs the stack CLI with tsx instead (about half a second when the stack is already up).
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const required = ["KAFKA_BROKERS", "DATABASE_URL", "WAREHOUSE_URL", "AWS_ENDPOINT_URL", "DUCKDB_POSTGRES_EXTENSION"];

function stackCli(rootDir: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=source", "--import", "tsx", join(rootDir, "dev/commands/stack.ts"), ...args],
      {
        cwd: rootDir,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0) return resolvePromise(stdout);
      // The CLI has printed what failed and what to do (stderr is inherited): a trace of this line adds nothing.
      const error = new Error(`the local stack is not up (stack CLI ${args.join(" ")} exited with ${code}): see above`);
      error.stack = error.message;
      reject(error);
    });
  });
}

export default async function globalSetup(_globalConfig: unknown, projectConfig: { rootDir: string }): Promise<void> {
  const alreadySet = required.every((k) => (process.env[k] ?? "") !== "");
  if (alreadySet) {
    // Same lease as dev/stack/lock.ts registerStackUser: tells a concurrent `npm test` that started the
    // stack not to stop it under this jest run; it expires when this process exits.
    const leases = join(projectConfig.rootDir, ".local", "test", "leases");
    mkdirSync(leases, { recursive: true });
    writeFileSync(join(leases, String(process.pid)), String(Date.now()));
    return;
  }
  // Only npm test starts the containers; provisioning the local processes instead would be a silent substitution.
  if (process.env.TEST_STACK === "testcontainers")
    throw new Error(
      "TEST_STACK=testcontainers is started by npm test: run `TEST_STACK=testcontainers npm test -- <paths>`",
    );
  const stdout = await stackCli(projectConfig.rootDir, ["up", "--profile", "test", "--lease", String(process.pid)]);
  for (const line of stdout.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) process.env[line.slice(0, eq)] ??= line.slice(eq + 1);
  }
}
