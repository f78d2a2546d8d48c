import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { repoRoot } from "../paths.js";

/** Runs the stack CLI as a new user would, with exactly `env` (nothing inherited from this jest run). */
function stackCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=source", "--import", "tsx", join(repoRoot, "dev/commands/stack.ts"), ...args],
      {
        cwd: repoRoot,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolvePromise({ code, stdout, stderr }));
  });
}

describe("preflight on a machine without Java, Maven and gcc", () => {
  const root = mkdtempSync(join(tmpdir(), "preflight-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("reports all three missing tools in one message with their install commands, no stack trace, exit 1", async () => {
    // PATH holds node and nothing else: no java, mvn or gcc (PostgreSQL and python3 are found at absolute paths).
    const bin = join(root, "bin");
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, "node"));
    // A fresh state folder (nothing running) and cache (no Kafka jars yet: Maven is needed; no hmac extension: gcc).
    const state = join(root, "state");
    const env: NodeJS.ProcessEnv = {
      PATH: bin,
      HOME: process.env.HOME,
      STACK_STATE_DIR: state,
      STACK_CACHE_DIR: join(root, "cache"),
      // As root this machine would otherwise apt-get install them; the point is the report.
      STACK_AUTO_INSTALL: "0",
      // Ports nobody uses: nothing must be started anyway.
      STACK_KAFKA_PORT: "1",
      STACK_KAFKA_CONTROLLER_PORT: "2",
      STACK_POSTGRES_PORT: "3",
      STACK_MOTO_PORT: "4",
      STACK_REDSHIFT_PORT: "5",
    };
    const r = await stackCli(["up", "--profile", "test"], env);

    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe("stack up: missing 3 tools the local stack needs:");
    expect(r.stderr).toContain("Java 17+ (runs the Kafka broker): java not found on PATH");
    expect(r.stderr).toContain("Maven (fetches the Kafka jars): mvn not found on PATH");
    expect(r.stderr).toMatch(/install: (sudo )?apt-get install -y openjdk-17-jre-headless\n/);
    expect(r.stderr).toMatch(/install: (sudo )?apt-get install -y maven\n/);
    expect(r.stderr).toContain(
      "compiles the hmac DuckDB extension, packages/warehouse/native/hmac): gcc not found on PATH",
    );
    expect(r.stderr).toMatch(/install: (sudo )?apt-get install -y gcc libc6-dev\n/);
    expect(r.stderr).toMatch(
      /install all at once: (sudo )?apt-get install -y openjdk-17-jre-headless maven gcc libc6-dev\n/,
    );
    expect(r.stderr).toContain("what to do: install what is listed above");
    // One message: the report is not repeated, and no stack frame is printed.
    expect(r.stderr.split("missing 3 tools").length).toBe(2);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    // Nothing was started.
    const pids = join(state, "test", "pids");
    expect(existsSync(pids) ? readdirSync(pids) : []).toEqual([]);
  });

  it("prints the stack trace as well with --verbose", async () => {
    const r = await stackCli(["up", "--profile", "test", "--verbose"], {
      PATH: join(root, "bin"),
      HOME: process.env.HOME,
      STACK_STATE_DIR: join(root, "state"),
      STACK_CACHE_DIR: join(root, "cache"),
      STACK_AUTO_INSTALL: "0",
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("java not found on PATH");
    expect(r.stderr).toMatch(/^\s+at /m);
  });
});
