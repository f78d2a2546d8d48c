import { join } from "node:path";
import { duckdbVersion } from "../../stack/duckdb-extension.js";
import { cacheDir } from "../../stack/paths.js";
import { ensureVenv } from "../../stack/python.js";
import { figure, ratio, type Figure } from "../figures.js";
import type { BenchContext, BenchSection, SectionReport } from "../section.js";
import { benchSelect } from "../export/bench-table.js";
import { ReferencePaths } from "../export/peer-paths.js";
import { unloadStatementSeconds } from "../export/redshift-overhead.js";
import { benchTable, UnloaderBench, type UnloadRun } from "../export/unloader-runs.js";

const targets = { vsFloor: 0.75, vsPeer: 1.6, peakRssMb: 256 } as const;

function sizes(quick: boolean): { small: number; large: number; redshift: number } {
  return quick
    ? { small: 20_000, large: 100_000, redshift: 20_000 }
    : { small: 2_000_000, large: 20_000_000, redshift: 2_000_000 };
}

/** Generous: the slowest export here is 20 M rows on two cores. */
const exportTimeoutMs = 15 * 60_000;

interface SmallRuns {
  readonly exports: UnloadRun[];
  readonly floor: number[];
  readonly peer: number[];
  readonly peerRssMb: number;
  readonly peerBytes: number;
  readonly peakRssMb: number;
  /** The unloader's RSS once started, before its first unload: what the libraries cost. */
  readonly startRssMb: number;
}

/**
 * Floor, peer and export take turns (floor, peer, export, floor, …) so that a machine slowing down or speeding up
 * during the run weighs on all three alike; one untimed round first warms the caches, the JIT and DuckDB's extension.
 */
async function smallRuns(context: BenchContext, python: string, rows: number): Promise<SmallRuns> {
  const bench = await UnloaderBench.start({ label: "bench-export", rows, warehouse: "postgres", log: context.log });
  const references = new ReferencePaths(
    process.env.WAREHOUSE_URL ?? "",
    benchSelect(bench.deployment.names.warehouseSchema, bench.window[0]),
    python,
  );
  const startRssMb = bench.unloaderMemory().rssMb;
  try {
    context.log(`export ${rows} rows: warm-up round`);
    references.floor();
    references.peer();
    await bench.run(exportTimeoutMs);
    const runs: SmallRuns = {
      exports: [],
      floor: [],
      peer: [],
      peerRssMb: 0,
      peerBytes: 0,
      peakRssMb: 0,
      startRssMb,
    };
    let peerRssMb = 0;
    let peerBytes = 0;
    for (let i = 0; i < context.runs; i++) {
      const floor = references.floor();
      const peer = references.peer();
      const exported = await bench.run(exportTimeoutMs);
      runs.floor.push(floor.seconds);
      runs.peer.push(peer.seconds);
      runs.exports.push(exported);
      peerRssMb = Math.max(peerRssMb, peer.peakRssMb);
      peerBytes = peer.bytes;
      context.log(
        `export ${rows} rows, run ${i + 1}: floor ${floor.seconds.toFixed(2)} s, peer ${peer.seconds.toFixed(2)} s, ` +
          `export ${exported.unloadSeconds.toFixed(2)} s (request ${exported.requestSeconds.toFixed(2)} s)`,
      );
    }
    return { ...runs, peerRssMb, peerBytes, peakRssMb: bench.unloaderMemory().peakRssMb };
  } finally {
    references.close();
    await bench.stop();
  }
}

/** The memory curve: the same export at ten times the rows, in an unloader process of its own. */
async function largeRuns(
  context: BenchContext,
  rows: number,
): Promise<{ exports: UnloadRun[]; peakRssMb: number; floor: number[] }> {
  const bench = await UnloaderBench.start({
    label: "bench-export-large",
    rows,
    warehouse: "postgres",
    log: context.log,
  });
  const references = new ReferencePaths(
    process.env.WAREHOUSE_URL ?? "",
    benchSelect(bench.deployment.names.warehouseSchema, bench.window[0]),
    "",
  );
  try {
    const exports: UnloadRun[] = [];
    const floor: number[] = [];
    for (let i = 0; i < context.runs; i++) {
      floor.push(references.floor().seconds);
      exports.push(await bench.run(exportTimeoutMs));
      context.log(`export ${rows} rows, run ${i + 1}: ${exports.at(-1)!.unloadSeconds.toFixed(2)} s`);
    }
    return { exports, floor, peakRssMb: bench.unloaderMemory().peakRssMb };
  } finally {
    references.close();
    await bench.stop();
  }
}

async function redshiftRuns(
  context: BenchContext,
  rows: number,
): Promise<{ unload: number[]; statements: number[]; overhead: number[] }> {
  const endpoint = process.env.REDSHIFT_DATA_ENDPOINT ?? "";
  const bench = await UnloaderBench.start({ label: "bench-export-rs", rows, warehouse: "redshift", log: context.log });
  try {
    const result = { unload: [] as number[], statements: [] as number[], overhead: [] as number[] };
    await bench.run(exportTimeoutMs);
    for (let i = 0; i < context.runs; i++) {
      const run = await bench.run(exportTimeoutMs);
      const statements = await unloadStatementSeconds(endpoint, run.requestId, benchTable);
      result.unload.push(run.unloadSeconds);
      result.statements.push(statements);
      result.overhead.push(run.unloadSeconds - statements);
      context.log(
        `redshift ${rows} rows, run ${i + 1}: unload ${run.unloadSeconds.toFixed(2)} s, UNLOAD ${statements.toFixed(2)} s`,
      );
    }
    return result;
  } finally {
    await bench.stop();
  }
}

export const exportSection: BenchSection = {
  name: "export",
  description: "one table through the real unloader to S3 against the binary-COPY floor and a psql | duckdb peer",
  async run(context): Promise<SectionReport> {
    const rows = sizes(context.quick);
    const venv = await ensureVenv(join(cacheDir, "bench-venv"), [`duckdb==${duckdbVersion}`], "bench", context.log);
    const small = await smallRuns(context, join(venv, "bin", "python"), rows.small);
    const large = await largeRuns(context, rows.large);
    const redshift = await redshiftRuns(context, rows.redshift);

    const figures: Record<string, Figure> = {
      export_s: figure(
        small.exports.map((r) => r.unloadSeconds),
        "s",
      ),
      export_request_s: figure(
        small.exports.map((r) => r.requestSeconds),
        "s",
      ),
      floor_s: figure(small.floor, "s"),
      peer_s: figure(small.peer, "s"),
      export_large_s: figure(
        large.exports.map((r) => r.unloadSeconds),
        "s",
      ),
      floor_large_s: figure(large.floor, "s"),
      redshift_unload_s: figure(redshift.unload, "s"),
      redshift_unload_statements_s: figure(redshift.statements, "s"),
      redshift_overhead_s: figure(redshift.overhead, "s"),
    };
    const vsFloor = ratio(figures.floor_s!, figures.export_s!);
    const vsPeer = ratio(figures.peer_s!, figures.export_s!);
    const vsFloorLarge = ratio(figures.floor_large_s!, figures.export_large_s!);
    const first = small.exports[0]!;
    return {
      keys: {
        export_vs_floor: vsFloor,
        export_vs_peer: vsPeer,
        export_vs_floor_20m: vsFloorLarge,
        export_seconds_2m: figures.export_s!.median,
        export_seconds_20m: figures.export_large_s!.median,
        unloader_peak_rss_mb_2m: small.peakRssMb,
        unloader_peak_rss_mb_20m: large.peakRssMb,
        redshift_overhead_seconds: figures.redshift_overhead_s!.median,
      },
      figures,
      details: {
        rows: rows,
        table:
          "demo traffic_observation, classified by the demo rules (mx nulled for hwc rows, keyed-hash pseudonym, de column dropped)",
        exportedBytesSmall: first.bytes,
        filesSmall: first.files,
        peerBytesSmall: small.peerBytes,
        peerPeakRssMb: small.peerRssMb,
        unloaderRssAtStartMb: small.startRssMb,
        exportTime:
          "the unloader's TableUnloadCompleted durationMs: describe, same-snapshot count, COPY to Parquet, footer checks, SHA-256, upload to S3 (moto), manifest",
        services: "compiled (npm run build), NODE_ENV=production, UNLOAD_PARALLELISM=1",
      },
      targets: [
        {
          key: "export_vs_floor",
          description: `${vsFloor} (target ≥ ${targets.vsFloor})`,
          met: vsFloor >= targets.vsFloor,
        },
        { key: "export_vs_peer", description: `${vsPeer} (target ≥ ${targets.vsPeer})`, met: vsPeer >= targets.vsPeer },
        {
          key: "unloader_peak_rss_mb",
          description: `${small.peakRssMb} MiB at ${rows.small} rows, ${large.peakRssMb} MiB at ${rows.large} (target ≤ ${targets.peakRssMb})`,
          met: Math.max(small.peakRssMb, large.peakRssMb) <= targets.peakRssMb,
        },
      ],
      table: [
        [`floor: binary COPY → /dev/null, ${rows.small} rows`, `${figures.floor_s!.median} s`],
        [`peer: psql csv | duckdb → Parquet zstd`, `${figures.peer_s!.median} s, ${small.peerRssMb} MiB`],
        [
          `export (unloader → S3, classified)`,
          `${figures.export_s!.median} s (±${figures.export_s!.spreadPct} %), ${small.peakRssMb} MiB`,
        ],
        [`export_vs_floor / export_vs_peer`, `${vsFloor} / ${vsPeer}`],
        [
          `export at ${rows.large} rows`,
          `${figures.export_large_s!.median} s, ${large.peakRssMb} MiB (floor ${figures.floor_large_s!.median} s)`,
        ],
        [
          `redshift adapter, ${rows.redshift} rows: unload / emulated UNLOAD`,
          `${figures.redshift_unload_s!.median} s / ${figures.redshift_unload_statements_s!.median} s`,
        ],
        [`redshift: the exporter's own overhead`, `${figures.redshift_overhead_s!.median} s`],
      ],
    };
  },
};
