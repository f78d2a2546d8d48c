import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One timed run of a command line: wall time and the peak RSS of its largest process (/usr/bin/time -v). */
export interface TimedRun {
  readonly seconds: number;
  readonly peakRssMb: number;
}

export function parsePeakRss(timeVerbose: string): number {
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(timeVerbose);
  if (match === null) throw new Error("/usr/bin/time -v printed no maximum resident set size");
  return Math.round(Number(match[1]) / 1024);
}

function timedShell(script: string): TimedRun {
  const started = process.hrtime.bigint();
  const run = spawnSync("/usr/bin/time", ["-v", "bash", "-o", "pipefail", "-c", script], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`${script.slice(0, 200)}… failed: ${run.stderr.slice(-2000)}`);
  return { seconds, peakRssMb: parsePeakRss(run.stderr) };
}

const sq = (value: string): string => `'${value.replaceAll("'", "'\\''")}'`;

/**
 * The two reference paths over the same rows and columns as the export:
 * - floor: PostgreSQL's binary COPY of the SELECT read by psql into /dev/null — nothing can export these rows faster
 *   from one connection;
 * - peer: what a user would script — `psql \copy … csv | duckdb` (DuckDB's Python package, the unloader's version)
 *   to one zstd Parquet file. It neither classifies, hashes, uploads nor writes a manifest.
 */
export class ReferencePaths {
  readonly #scratch = mkdtempSync(join(tmpdir(), "bench-peer-"));

  constructor(
    private readonly warehouseUrl: string,
    private readonly select: string,
    private readonly python: string,
  ) {}

  floor(): TimedRun {
    return timedShell(
      `psql ${sq(this.warehouseUrl)} -Atqc ${sq(`\\copy (${this.select}) TO '/dev/null' (FORMAT binary)`)}`,
    );
  }

  peer(): TimedRun & { bytes: number } {
    const out = join(this.#scratch, "peer.parquet");
    const duck = `import duckdb; duckdb.sql("COPY (SELECT * FROM read_csv('/dev/stdin')) TO '${out}' (FORMAT parquet, COMPRESSION zstd)")`;
    const run = timedShell(
      `psql ${sq(this.warehouseUrl)} -Atqc ${sq(`\\copy (${this.select}) TO STDOUT (FORMAT csv, HEADER)`)} | ${sq(this.python)} -c ${sq(duck)}`,
    );
    const bytes = statSync(out).size;
    rmSync(out);
    return { ...run, bytes };
  }

  close(): void {
    rmSync(this.#scratch, { recursive: true, force: true });
  }
}
