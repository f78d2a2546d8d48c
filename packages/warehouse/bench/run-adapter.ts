// Child process of parquet-paths.ts: one end-to-end unload through PostgresWarehouse to a local directory, so
// /usr/bin/time measures this process alone. Arguments: <schema> <table> <outDir> <orderByTime: true|false>.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PostgresWarehouse } from "../src/index.js";
import { LocalDirectoryObjectStore } from "./local-object-store.js";

const [schema = "", table = "", outDir = "", order = "false"] = process.argv.slice(2);
const warehouse = new PostgresWarehouse({
  warehouseUrl: process.env["WAREHOUSE_URL"] ?? process.env["DATABASE_URL"] ?? "",
  objectStore: new LocalDirectoryObjectStore(outDir),
  hashKey: "bench-hash-key-0123456789",
  duckdbPostgresExtension: process.env["DUCKDB_POSTGRES_EXTENSION"] ?? "",
  maxFileBytes: 512 * 1024 * 1024,
  rowGroupSize: 122_880,
  memoryLimit: "512MB",
  tempDir: join(tmpdir(), "wh-bench"),
  orderByTime: order === "true",
});
const start = Date.UTC(2026, 0, 1);
const started = performance.now();
const result = await warehouse.unload({
  requestId: "00000000-0000-4000-8000-000000000000",
  mode: "ON_DEMAND",
  exportDate: null,
  windowStart: start,
  windowEnd: start + 30 * 86_400_000,
  schema,
  table,
  timeColumn: "obs_time",
  columns: ["obs_time", "way_id", "source", "speed_kmh", "travel_time_s", "probe_count", "segment_name"].map(
    (name) => ({ name, treatment: "AS_IS" as const, roundDigits: null }),
  ),
  rowFilter: {
    sourceColumn: null,
    allowedSources: [],
    unrestrictedSources: [],
    metricColumn: null,
    allowedMetrics: [],
  },
  audit: [],
  outputPrefix: "bench/",
  fileBaseName: table,
  configVersion: "bench",
  attempt: 1,
  run: 0,
  issuedAt: Date.now(),
  snapshot: null,
});
await warehouse.close();
process.stdout.write(
  `${JSON.stringify({ rows: result.rows, bytes: result.bytes, unloadSeconds: (performance.now() - started) / 1000 })}\n`,
);
