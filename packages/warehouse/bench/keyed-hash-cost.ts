// Measures (never asserts) what the KEYED_HASH treatment costs per value in DuckDB: the SQL HMAC keyed-hash.ts
// projects today against the native hmac extension (DUCKDB_HMAC_EXTENSION, built by the stack provisioning), on the
// unloader's one-thread DuckDB. Runs are interleaved, and CPU time (process.cpuUsage, which counts DuckDB's threads in
// this process) is reported beside wall time, since other work on the machine inflates wall time only.
// Usage: DUCKDB_HMAC_EXTENSION=… node --conditions=source --import tsx packages/warehouse/bench/keyed-hash-cost.ts [rows] [runs]
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

const instance = await DuckDBInstance.create(":memory:", { threads: "1", allow_unsigned_extensions: "true" });
const db = await instance.connect();
await db.run(`LOAD '${extension.replaceAll("'", "''")}'`);
const backend = String((await db.runAndReadAll("SELECT hmac_sha256_backend()")).getRows()[0]?.[0]);
// Values shaped like the identifiers KEYED_HASH columns hold (ids, e-mail addresses): 20-30 bytes.
await db.run(`CREATE TABLE t AS SELECT 'user-' || i::VARCHAR || '@example-domain.com' AS v FROM range(${rows}) r(i)`);

const samples: Record<string, { wall: number[]; cpu: number[] }> = {};
for (let r = 0; r < runs; r++) {
  for (const [name, expr] of Object.entries(variants)) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await db.runAndReadAll(`SELECT min(${expr}) FROM t`);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    (samples[name] ??= { wall: [], cpu: [] }).wall.push(wall);
    samples[name].cpu.push((cpu.user + cpu.system) / 1000);
  }
}
db.closeSync();
instance.closeSync();

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const scanCpu = median(samples["scan"]!.cpu);
const scanWall = median(samples["scan"]!.wall);
console.log(`rows=${rows} runs=${runs} backend=${backend} (medians; per value = (variant - scan) / rows)`);
console.log("variant          wall_ms   cpu_ms  ns/value(cpu)  ns/value(wall)");
for (const [name, s] of Object.entries(samples)) {
  const cpu = median(s.cpu);
  const wall = median(s.wall);
  const perCpu = name === "scan" ? "" : (((cpu - scanCpu) * 1e6) / rows).toFixed(0);
  const perWall = name === "scan" ? "" : (((wall - scanWall) * 1e6) / rows).toFixed(0);
  console.log(
    `${name.padEnd(16)} ${wall.toFixed(0).padStart(7)} ${cpu.toFixed(0).padStart(8)} ${perCpu.padStart(14)} ${perWall.padStart(15)}`,
  );
}
const ratio = (a: string, b: string): string =>
  ((median(samples[a]!.cpu) - scanCpu) / (median(samples[b]!.cpu) - scanCpu)).toFixed(1);
console.log(
  `speed-up of the hash itself (cpu): native ${ratio("sql", "native")}x, portable ${ratio("sql", "native_portable")}x`,
);
