/**
 * npm run bench: measures the PostgreSQL → Parquet paths side by side on the test stack (medians, peak RSS), as
 * recorded in docs/parquet-path.md. Speed targets are checked here, never by timed assertions in tests.
 * Arguments: [rows] (default 2,000,000); BENCH_RUNS (default 3).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { downloadCacheDir, repoRoot } from "../stack/paths.js";
import { ensureStack, stackEnv, stopStack } from "../stack/stack.js";

const say = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

/** A venv with DuckDB's Python package, for the `psql | duckdb` path a user would script. */
function benchPython(): string {
  const venv = join(repoRoot, ".cache", "bench-venv");
  const python = join(venv, "bin", "python");
  if (!existsSync(python)) {
    say("creating .cache/bench-venv with duckdb==1.5.5");
    const steps = [
      ["python3", ["-m", "venv", venv]],
      [python, ["-m", "pip", "install", "--quiet", "duckdb==1.5.5"]],
    ] as const;
    for (const [command, args] of steps) {
      const run = spawnSync(command, args, {
        stdio: "inherit",
        env: { ...process.env, PIP_CACHE_DIR: join(downloadCacheDir, "pip") },
      });
      if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} failed`);
    }
  }
  return python;
}

const { endpoints, started } = await ensureStack("test", { log: say });
try {
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "packages/warehouse/bench/parquet-paths.ts"), ...process.argv.slice(2)],
    {
      cwd: repoRoot,
      stdio: "inherit",
      env: { ...process.env, ...stackEnv(endpoints), BENCH_PYTHON: benchPython() },
    },
  );
  process.exitCode = run.status ?? 1;
} finally {
  if (started.length > 0 && process.env.KEEP_STACK !== "1") await stopStack("test", { components: started, log: say });
}
