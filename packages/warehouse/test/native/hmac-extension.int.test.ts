// The native hmac DuckDB extension (packages/warehouse/native/hmac, built by the stack provisioning into
// DUCKDB_HMAC_EXTENSION) against node:crypto: every value, key length and NULL, on both SHA-256 paths.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import fc from "fast-check";
import { keyedHashProjection } from "../../src/parquet/keyed-hash.js";

const functions = ["hmac_sha256_hex", "hmac_sha256_hex_portable"] as const;
const nodeHmac = (key: Uint8Array, value: string): string => createHmac("sha256", key).update(value).digest("hex");
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

let instance: DuckDBInstance;
let db: DuckDBConnection;

beforeAll(async () => {
  const extension = process.env["DUCKDB_HMAC_EXTENSION"] ?? "";
  if (extension === "") throw new Error("DUCKDB_HMAC_EXTENSION is not set: the stack provisioning builds it");
  // Unsigned: we build it ourselves (see dev/stack/duckdb-hmac-extension.ts for why that is acceptable).
  instance = await DuckDBInstance.create(":memory:", { threads: "1", allow_unsigned_extensions: "true" });
  db = await instance.connect();
  await db.run(`LOAD '${extension.replaceAll("'", "''")}'`);
});

afterAll(() => {
  db.closeSync();
  instance.closeSync();
});

interface Row {
  readonly value: string | null;
  readonly key: Uint8Array | null;
}

/** Each function's results over the rows, in row order, from a table filled by the appender. */
async function hashed(rows: readonly Row[]): Promise<Record<(typeof functions)[number], (string | null)[]>> {
  await db.run("CREATE OR REPLACE TABLE t (i INTEGER, v VARCHAR, k BLOB)");
  const appender = await db.createAppender("t");
  rows.forEach((row, i) => {
    appender.appendInteger(i);
    if (row.value === null) appender.appendNull();
    else appender.appendVarchar(row.value);
    if (row.key === null) appender.appendNull();
    else appender.appendBlob(row.key);
    appender.endRow();
  });
  appender.closeSync();
  const reader = await db.runAndReadAll(`SELECT ${functions.map((f) => `${f}(v, k)`).join(", ")} FROM t ORDER BY i`);
  const out = reader.getRows();
  return Object.fromEntries(functions.map((f, c) => [f, out.map((r) => r[c] as string | null)])) as Record<
    (typeof functions)[number],
    (string | null)[]
  >;
}

const expected = (rows: readonly Row[]): (string | null)[] =>
  rows.map((r) => (r.value === null || r.key === null ? null : nodeHmac(r.key, r.value)));

// Valid UTF-8 text as the warehouse returns it: whole code points (no lone surrogates) and no NUL, which
// PostgreSQL text cannot hold.
const text = fc.string({ unit: "binary", maxLength: 300 }).map((s) => s.replaceAll("\0", ""));
const longText = fc.string({ unit: "binary", minLength: 56, maxLength: 2000 }).map((s) => s.replaceAll("\0", ""));
const key = fc.oneof(
  fc.uint8Array({ maxLength: 16 }),
  fc.uint8Array({ minLength: 64, maxLength: 64 }),
  fc.uint8Array({ minLength: 65, maxLength: 300 }),
);

describe("hmac_sha256_hex", () => {
  it("uses SHA-NI exactly when the CPU has it", async () => {
    const shaNi = /\bsha_ni\b/.test(readFileSync("/proc/cpuinfo", "utf8"));
    const backend = (await db.runAndReadAll("SELECT hmac_sha256_backend()")).getRows()[0]?.[0];
    expect(backend).toBe(shaNi ? "sha-ni" : "portable");
  });

  it("matches the RFC 4231 test vectors whose data is text", async () => {
    const vectors = [
      {
        key: Buffer.alloc(20, 0x0b),
        data: "Hi There",
        mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
      },
      {
        key: Buffer.from("Jefe"),
        data: "what do ya want for nothing?",
        mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
      },
      {
        key: Buffer.alloc(131, 0xaa),
        data: "Test Using Larger Than Block-Size Key - Hash Key First",
        mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
      },
      {
        key: Buffer.alloc(131, 0xaa),
        data:
          "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be " +
          "hashed before being used by the HMAC algorithm.",
        mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
      },
    ];
    const results = await hashed(vectors.map((v) => ({ value: v.data, key: v.key })));
    for (const f of functions) expect(results[f]).toEqual(vectors.map((v) => v.mac));
  });

  it("equals createHmac for any text and key, row by row, with NULLs in either", async () => {
    const row = fc.record({
      value: fc.option(fc.oneof(text, longText), { freq: 8 }),
      key: fc.option(key, { freq: 8 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 40 }), async (rows) => {
        const results = await hashed(rows);
        for (const f of functions) expect(results[f]).toEqual(expected(rows));
      }),
      { numRuns: 40 },
    );
  });

  it("equals createHmac with one key over several chunks (the reused key state), including the empty value", async () => {
    await fc.assert(
      fc.asyncProperty(key, fc.array(fc.oneof(text, longText), { minLength: 1, maxLength: 50 }), async (k, values) => {
        // 5,000 rows span three 2,048-row vectors; the empty string and NULLs are in each.
        const rows: Row[] = Array.from({ length: 5000 }, (_, i) => ({
          value: i % 997 === 0 ? null : i % 499 === 0 ? "" : values[i % values.length]!,
          key: k,
        }));
        const results = await hashed(rows);
        for (const f of functions) expect(results[f]).toEqual(expected(rows));
      }),
      { numRuns: 5 },
    );
  });

  it("equals the SQL expression keyed-hash.ts projects today, with the key given as unhex of its UTF-8 hex", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 16, maxLength: 100 }),
        fc.array(text, { minLength: 1, maxLength: 30 }),
        async (hashKey, values) => {
          await db.run("CREATE OR REPLACE TABLE s (v VARCHAR)");
          const appender = await db.createAppender("s");
          for (const v of values) {
            appender.appendVarchar(v);
            appender.endRow();
          }
          appender.closeSync();
          const { outer } = keyedHashProjection([{ name: "v", treatment: "KEYED_HASH" }], hashKey, (n) => `"${n}"`);
          const keyHex = hex(Buffer.from(hashKey, "utf8"));
          const reader = await db.runAndReadAll(
            `SELECT ${outer.replace(/ AS "v"$/, "")}, hmac_sha256_hex(v, unhex('${keyHex}')) FROM s`,
          );
          for (const [sql, native] of reader.getRows()) expect(native).toBe(sql);
        },
      ),
      { numRuns: 20 },
    );
  });
});
