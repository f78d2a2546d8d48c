// Measures (never asserts) what the KEYED_HASH treatment costs per value in DuckDB: the SQL HMAC keyed-hash.ts
// projects today against the native hmac extension (DUCKDB_HMAC_EXTENSION, built by the stack provisioning), on the
// unloader's one-thread DuckDB. Runs are interleaved, and CPU time (process.cpuUsage, which counts DuckDB's threads in
// this process) is reported beside wall time, since other work on the machine inflates wall time only.
// Usage: DUCKDB_HMAC_EXTENSION=… node --conditions=source --import tsx packages/warehouse/bench/keyed-hash-cost.ts [rows] [runs]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { keyedHashProjection } from "../src/parquet/keyed-hash.js";

const rows = Number(process.argv[2] ?? 2_000_000);
const runs = Number(process.argv[3] ?? 5);
const extension = process.env["DUCKDB_HMAC_EXTENSION"] ?? "";
if (extension === "") throw new Error("DUCKDB_HMAC_EXTENSION is not set (npm run stack -- up prints it)");

const hashKey = "bench-hash-key-0123456789";
const keyHex = Buffer.from(hashKey, "utf8").toString("hex");
const sql = keyedHashProjection([{ name: "v", treatment: "KEYED_HASH" }], hashKey, (n) => n).outer.replace(
  / AS v$/,
  "",
);

// min() makes DuckDB compute every value and keeps the result one row; "scan" is that query over the bare column.
const variants: Record<string, string> = {
  scan: "v",
  sql,
  native: `hmac_sha256_hex(v, unhex('${keyHex}'))`,
  native_portable: `hmac_sha256_hex_portable(v, unhex('${keyHex}'))`,
};

// The same three through the exporter's writer: COPY … TO Parquet (zstd), as the unloader writes the hashed column.
const parquetDir = mkdtempSync(join(tmpdir(), "keyed-hash-cost-"));
const copy = (expr: string): string =>
  `COPY (SELECT ${expr} AS h FROM t) TO '${join(parquetDir, "out.parquet")}' (FORMAT parquet, COMPRESSION zstd)`;
const queries: Record<string, string> = {
  ...Object.fromEntries(Object.entries(variants).map(([name, expr]) => [name, `SELECT min(${expr}) FROM t`])),
  parquet_scan: copy("v"),
  parquet_sql: copy(sql),
  parquet_native: copy(variants["native"]!),
};
const baselineOf = (name: string): string => (name.startsWith("parquet_") ? "parquet_scan" : "scan");

const instance = await DuckDBInstance.create(":memory:", { threads: "1", allow_unsigned_extensions: "true" });
const db = await instance.connect();
await db.run(`LOAD '${extension.replaceAll("'", "''")}'`);
const backend = String((await db.runAndReadAll("SELECT hmac_sha256_backend()")).getRows()[0]?.[0]);
// Values shaped like the identifiers KEYED_HASH columns hold (ids, e-mail addresses): 20-30 bytes.
await db.run(`CREATE TABLE t AS SELECT 'user-' || i::VARCHAR || '@example-domain.com' AS v FROM range(${rows}) r(i)`);

const samples: Record<string, { wall: number[]; cpu: number[] }> = {};
for (let r = 0; r < runs; r++) {
  for (const [name, query] of Object.entries(queries)) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await db.runAndReadAll(query);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    (samples[name] ??= { wall: [], cpu: [] }).wall.push(wall);
    samples[name].cpu.push((cpu.user + cpu.system) / 1000);
  }
}
db.closeSync();
instance.closeSync();
rmSync(parquetDir, { recursive: true, force: true });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const cpuOf = (name: string): number => median(samples[name]!.cpu);
const wallOf = (name: string): number => median(samples[name]!.wall);
console.log(`rows=${rows} runs=${runs} backend=${backend} (medians; per value = (variant - its scan) / rows)`);
console.log("variant          wall_ms   cpu_ms  ns/value(cpu)  ns/value(wall)");
for (const name of Object.keys(samples)) {
  const cpu = cpuOf(name);
  const wall = wallOf(name);
  const base = baselineOf(name);
  const perCpu = name === base ? "" : (((cpu - cpuOf(base)) * 1e6) / rows).toFixed(0);
  const perWall = name === base ? "" : (((wall - wallOf(base)) * 1e6) / rows).toFixed(0);
  console.log(
    `${name.padEnd(16)} ${wall.toFixed(0).padStart(7)} ${cpu.toFixed(0).padStart(8)} ${perCpu.padStart(14)} ${perWall.padStart(15)}`,
  );
}
const ratio = (a: string, b: string): string =>
  ((cpuOf(a) - cpuOf(baselineOf(a))) / (cpuOf(b) - cpuOf(baselineOf(b)))).toFixed(1);
console.log(
  `speed-up of the hash itself (cpu): native ${ratio("sql", "native")}x, portable ${ratio("sql", "native_portable")}x; ` +
    `Parquet write with the hash (cpu): ${(cpuOf("parquet_sql") / cpuOf("parquet_native")).toFixed(1)}x`,
);
