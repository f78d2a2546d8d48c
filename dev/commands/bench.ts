/**
 * npm run bench: measures the PostgreSQL → Parquet paths side by side on the test stack (medians, peak RSS), as
 * recorded in docs/parquet-path.md. Speed targets are checked here, never by timed assertions in tests.
 * Arguments: [rows] (default 2,000,000); BENCH_RUNS (default 3).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { duckdbVersion } from "../stack/duckdb-extension.js";
import { cacheDir, repoRoot } from "../stack/paths.js";
import { ensureVenv } from "../stack/python.js";
import { ensureStack, stackEnv, stopStack } from "../stack/stack.js";

const say = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

const { endpoints, started } = await ensureStack("test", { log: say });
try {
  // DuckDB's Python package, for the `psql | duckdb` path a user would script: the same DuckDB as the unloader's.
  const venv = await ensureVenv(join(cacheDir, "bench-venv"), [`duckdb==${duckdbVersion}`], "bench", say);
  const run = spawnSync(
    process.execPath,
    [
      "--conditions=source",
      "--import",
      "tsx",
      join(repoRoot, "packages/warehouse/bench/parquet-paths.ts"),
      ...process.argv.slice(2),
    ],
    {
      cwd: repoRoot,
      stdio: "inherit",
      env: { ...process.env, ...stackEnv(endpoints), BENCH_PYTHON: join(venv, "bin", "python") },
    },
  );
  process.exitCode = run.status ?? 1;
} finally {
  if (started.length > 0 && process.env.KEEP_STACK !== "1") await stopStack("test", { components: started, log: say });
}
