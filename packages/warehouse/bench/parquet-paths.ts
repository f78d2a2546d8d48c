// Compares PostgreSQL -> Parquet paths on this machine in one run: medians of RUNS, peak RSS of each path's whole
// process tree (/usr/bin/time -v). Needs WAREHOUSE_URL (or DATABASE_URL), DUCKDB_POSTGRES_EXTENSION, psql and
// /usr/bin/time; the psql|duckdb path also needs BENCH_PYTHON, a python with `duckdb==1.5.5` (skipped otherwise).
// Usage: npx tsx --conditions=source packages/warehouse/bench/parquet-paths.ts [rows=2000000]
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const ROWS = Number(process.argv[2] ?? 2_000_000);
const RUNS = Number(process.env["BENCH_RUNS"] ?? 3);
const url = process.env["WAREHOUSE_URL"] ?? process.env["DATABASE_URL"] ?? "";
const here = dirname(fileURLToPath(import.meta.url));
const schema = `bench_${randomUUID().replaceAll("-", "").slice(0, 10)}`;
const COLUMNS = "obs_time, way_id, source, speed_kmh, travel_time_s, probe_count, segment_name";
const SELECT = `SELECT ${COLUMNS} FROM ${schema}.traffic WHERE obs_time >= '2026-01-01Z' AND obs_time < '2026-01-31Z'`;

interface Measured {
  seconds: number;
  rssMb: number;
  inner: number | null;
  bytes: number | null;
}

function timed(command: string, args: string[]): Measured {
  const started = process.hrtime.bigint();
  const run = spawnSync("/usr/bin/time", ["-v", command, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`${command} failed: ${run.stderr.slice(-2000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr);
  // The adapter's child reports the unload alone, without Node/tsx start-up.
  const report = /\{.*"unloadSeconds".*\}/.exec(run.stdout);
  const parsed = report ? (JSON.parse(report[0]) as { unloadSeconds: number; bytes: number }) : null;
  return {
    seconds,
    rssMb: Math.round(Number(rss?.[1] ?? 0) / 1024),
    inner: parsed?.unloadSeconds ?? null,
    bytes: parsed?.bytes ?? null,
  };
}

function median(values: Measured[]): Measured {
  const sorted = [...values].sort((a, b) => a.seconds - b.seconds);
  const mid = sorted[Math.floor(sorted.length / 2)]!;
  const round = (x: number) => Math.round(x * 100) / 100;
  const inner = values
    .map((v) => v.inner)
    .filter((v): v is number => v !== null)
    .sort((a, b) => a - b);
  const innerMid = inner[Math.floor(inner.length / 2)];
  return {
    seconds: round(mid.seconds),
    rssMb: Math.max(...values.map((v) => v.rssMb)),
    inner: innerMid === undefined ? null : round(innerMid),
    bytes: mid.bytes,
  };
}

const sh = (script: string): [string, string[]] => ["bash", ["-o", "pipefail", "-c", script]];

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: url });
  await pool.query(`CREATE SCHEMA ${schema}`);
  await pool.query(`CREATE TABLE ${schema}.traffic AS
    SELECT TIMESTAMPTZ '2026-01-01Z' + (g * (30 * 86400.0 / ${ROWS})) * INTERVAL '1 second' AS obs_time,
           (g % 50000)::bigint AS way_id, (ARRAY['nr1','mx1','hwc1'])[1 + g % 3] AS source,
           CASE WHEN g % 10 = 0 THEN NULL ELSE (g % 1300) / 10.0 END::double precision AS speed_kmh,
           CASE WHEN g % 10 = 1 THEN NULL ELSE ((g % 99991) / 100.0) END::numeric(10,2) AS travel_time_s,
           (g % 40)::int AS probe_count, CASE WHEN g % 10 = 2 THEN NULL ELSE 'segment ' || (g % 5000) END AS segment_name
      FROM generate_series(1, ${ROWS}) g`);
  await pool.query(`CREATE INDEX ON ${schema}.traffic (obs_time); ANALYZE ${schema}.traffic`);
  const scratch = mkdtempSync(join(tmpdir(), "wh-bench-out-"));
  const python = process.env["BENCH_PYTHON"];
  const paths: [string, () => [string, string[]]][] = [
    [
      "floor: COPY binary -> /dev/null",
      () => sh(`psql '${url}' -Atqc "\\copy (${SELECT}) TO '/dev/null' (FORMAT binary)"`),
    ],
    ["COPY csv -> /dev/null", () => sh(`psql '${url}' -Atqc "\\copy (${SELECT}) TO '/dev/null' (FORMAT csv)"`)],
    ...(python === undefined
      ? []
      : ([
          [
            "psql \\copy csv | duckdb (python) read_csv -> parquet zstd",
            () =>
              sh(
                `psql '${url}' -Atqc "\\copy (${SELECT}) TO STDOUT (FORMAT csv, HEADER)" | ${python} -c "import duckdb; duckdb.sql(\\"COPY (SELECT * FROM read_csv('/dev/stdin')) TO '${scratch}/csv.parquet' (FORMAT parquet, COMPRESSION zstd)\\")"`,
              ),
          ],
        ] as [string, () => [string, string[]]][])),
    [
      "PostgresWarehouse.unload (DuckDB postgres_query, threads=1) -> local file",
      () => [
        process.execPath,
        [
          "--conditions=source",
          "--import",
          "tsx",
          join(here, "run-adapter.ts"),
          schema,
          "traffic",
          join(scratch, "a"),
          "false",
        ],
      ],
    ],
    [
      "same, ORDER BY obs_time",
      () => [
        process.execPath,
        [
          "--conditions=source",
          "--import",
          "tsx",
          join(here, "run-adapter.ts"),
          schema,
          "traffic",
          join(scratch, "b"),
          "true",
        ],
      ],
    ],
  ];
  const results: string[] = [
    `| path (${ROWS} rows, median of ${RUNS}) | wall s | unload only s | peak RSS MB | output bytes |`,
    "|---|---|---|---|---|",
  ];
  try {
    for (const [name, build] of paths) {
      const runs: Measured[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(timed(...build()));
      const m = median(runs);
      results.push(`| ${name} | ${m.seconds} | ${m.inner ?? ""} | ${m.rssMb} | ${m.bytes ?? ""} |`);
      process.stderr.write(`${name}: ${m.seconds}s (unload ${m.inner ?? "-"}s) ${m.rssMb}MB\n`);
    }
  } finally {
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool.end();
    rmSync(scratch, { recursive: true, force: true });
  }
  process.stdout.write(`${results.join("\n")}\n`);
}

await main();
