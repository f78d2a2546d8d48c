import { randomUUID } from "node:crypto";
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  ListStatementsCommand,
  RedshiftDataClient,
  type DescribeStatementResponse,
} from "@aws-sdk/client-redshift-data";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type BucketLocationConstraint,
} from "@aws-sdk/client-s3";
import { waitFor } from "@data-exporter/runtime";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import pg from "pg";

/**
 * The emulator the test stack runs (REDSHIFT_DATA_ENDPOINT), driven by the real AWS SDK client, running SQL on the
 * stack's PostgreSQL (WAREHOUSE_URL) and writing to its moto (AWS_ENDPOINT_URL). Isolation: a schema and a bucket of
 * this run's own. Files are read back with hyparquet, a reader independent of the DuckDB writer.
 */
function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set: run through npm test`);
  return value;
}

const run = randomUUID().slice(0, 8);
const schema = `rsemu_${run}`;
const bucket = `rsemu-${run}`;
const role = env("REDSHIFT_IAM_ROLE_ARN");
const database = new URL(env("WAREHOUSE_URL")).pathname.slice(1);
const target = { ClusterIdentifier: "local-cluster", Database: database, DbUser: "awsuser" };
const aws = {
  region: env("AWS_REGION"),
  credentials: { accessKeyId: env("AWS_ACCESS_KEY_ID"), secretAccessKey: env("AWS_SECRET_ACCESS_KEY") },
};
const client = new RedshiftDataClient({ ...aws, endpoint: env("REDSHIFT_DATA_ENDPOINT"), maxAttempts: 1 });
const s3 = new S3Client({ ...aws, endpoint: env("AWS_ENDPOINT_URL"), forcePathStyle: true });
const warehouse = new pg.Client({ connectionString: env("WAREHOUSE_URL") });

/** Polls DescribeStatement, as a client of the real service does, until the statement ended; records each status. */
async function finished(id: string | undefined, seen: string[] = []): Promise<DescribeStatementResponse> {
  return waitFor(
    `statement ${id} to end`,
    async () => {
      const described = await client.send(new DescribeStatementCommand({ Id: id }));
      if (described.Status !== undefined && seen[seen.length - 1] !== described.Status) seen.push(described.Status);
      return ["FINISHED", "FAILED", "ABORTED"].includes(described.Status ?? "") ? described : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 50 },
  );
}

async function execute(sql: string): Promise<DescribeStatementResponse> {
  const { Id } = await client.send(new ExecuteStatementCommand({ ...target, Sql: sql }));
  return finished(Id);
}

/** An UNLOAD of `query` (single quotes doubled, as Redshift requires inside the quoted query). */
const unload = (query: string, prefix: string, options: string): string =>
  `UNLOAD ('${query.replaceAll("'", "''")}') TO 's3://${bucket}/${prefix}' IAM_ROLE '${role}' ${options}`;

async function objects(prefix: string): Promise<{ key: string; size: number }[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => ({ key: o.Key ?? "", size: o.Size ?? 0 }));
}

async function download(key: string): Promise<Uint8Array> {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = await got.Body?.transformToByteArray();
  if (bytes === undefined) throw new Error(`${key} has no body`);
  return bytes;
}

async function readParquet(key: string): Promise<{ rows: Record<string, unknown>[]; footerRows: number }> {
  const bytes = await download(key);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const rows = (await parquetReadObjects({ file, compressors })) as Record<string, unknown>[];
  return { rows, footerRows: Number(parquetMetadata(file).num_rows) };
}

interface Manifest {
  entries: { url: string; meta: { content_length: number; record_count?: number } }[];
  schema?: { elements: { name: string; type: Record<string, unknown> }[] };
  meta?: { content_length: number; record_count: number };
  author?: { name: string; version: string };
}

const readManifest = async (key: string): Promise<Manifest> =>
  JSON.parse(new TextDecoder().decode(await download(key))) as Manifest;

beforeAll(async () => {
  await warehouse.connect();
  await warehouse.query(`CREATE SCHEMA ${schema}`);
  await warehouse.query(
    `CREATE TABLE ${schema}.events AS
       SELECT i AS id, 'name ' || i AS name, (i / 8.0)::numeric(10, 3) AS amount, i % 2 = 0 AS even,
              TIMESTAMP '2024-04-06 00:00:00' + i * INTERVAL '1 minute' AS at
         FROM generate_series(1, 1000) AS i`,
  );
  await s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      CreateBucketConfiguration: { LocationConstraint: aws.region as BucketLocationConstraint },
    }),
  );
});

afterAll(async () => {
  await warehouse.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
  await warehouse.end();
  client.destroy();
  s3.destroy();
});

describe("Redshift Data API emulator", () => {
  it("runs a statement asynchronously through Redshift's statuses and returns typed records", async () => {
    const sql = `SELECT id, name, amount, even, at, NULL::varchar AS nothing FROM ${schema}.events WHERE id <= :last ORDER BY id`;
    const { Id } = await client.send(
      new ExecuteStatementCommand({ ...target, Sql: sql, Parameters: [{ name: "last", value: "3" }] }),
    );
    const seen: string[] = [];
    const described = await finished(Id, seen);
    expect(described).toMatchObject({ Status: "FINISHED", QueryString: sql, ResultRows: 3, HasResultSet: true });
    expect(described.RedshiftPid).toBeGreaterThan(0);
    expect(described.Duration).toBeGreaterThanOrEqual(0);
    expect(seen[seen.length - 1]).toBe("FINISHED");

    const result = await client.send(new GetStatementResultCommand({ Id }));
    expect(result.TotalNumRows).toBe(3);
    expect(result.Records?.[0]).toEqual([
      { longValue: 1 },
      { stringValue: "name 1" },
      { stringValue: "0.125" },
      { booleanValue: false },
      { stringValue: "2024-04-06 00:01:00" },
      { isNull: true },
    ]);
    expect(result.ColumnMetadata?.map((c) => [c.name, c.typeName, c.tableName])).toEqual([
      ["id", "int4", "events"],
      ["name", "varchar", "events"],
      ["amount", "numeric", "events"],
      ["even", "bool", "events"],
      ["at", "timestamp", "events"],
      ["nothing", "varchar", ""],
    ]);
  });

  it("is asynchronous: a long statement is STARTED while it runs", async () => {
    const { Id } = await client.send(new ExecuteStatementCommand({ ...target, Sql: "SELECT pg_sleep(1.5)" }));
    const running = await waitFor("the statement to start", async () => {
      const d = await client.send(new DescribeStatementCommand({ Id }));
      return d.Status === "STARTED" ? d : undefined;
    });
    expect(running.Duration).toBe(-1);
    expect((await finished(Id)).Status).toBe("FINISHED");
  });

  it("fails a statement with Redshift's error text", async () => {
    const failed = await execute(`SELEC id FROM ${schema}.events`);
    expect([failed.Status, failed.Error]).toEqual(["FAILED", 'ERROR: syntax error at or near "SELEC"']);
    expect((await execute(`SELECT * FROM ${schema}.missing`)).Error).toBe(
      `ERROR: relation "${schema}.missing" does not exist`,
    );
    // Redshift's string literals take backslash escapes (its regex docs ask for two backslashes per one).
    const { Id } = await client.send(new ExecuteStatementCommand({ ...target, Sql: "SELECT 'a\\\\b' AS s" }));
    await finished(Id);
    const { Records } = await client.send(new GetStatementResultCommand({ Id }));
    expect(Records).toEqual([[{ stringValue: "a\\b" }]]);
  });

  it("runs a batch in one transaction: a failing statement rolls back the earlier ones", async () => {
    await warehouse.query(`CREATE TABLE ${schema}.batch_target (n int)`);
    const { Id } = await client.send(
      new BatchExecuteStatementCommand({
        ...target,
        Sqls: [
          `INSERT INTO ${schema}.batch_target VALUES (1), (2)`,
          `SELECT count(*) AS n FROM ${schema}.batch_target`,
          "SELECT 1 / 0",
        ],
      }),
    );
    const described = await finished(Id);
    expect(described.Status).toBe("FAILED");
    expect(described.Error).toBe("ERROR: division by zero");
    expect(described.SubStatements?.map((s) => [s.Id, s.Status, s.ResultRows])).toEqual([
      [`${Id}:1`, "FINISHED", 2],
      [`${Id}:2`, "FINISHED", 1],
      [`${Id}:3`, "FAILED", -1],
    ]);
    // The second statement saw the first's rows: one transaction.
    const counted = await client.send(new GetStatementResultCommand({ Id: `${Id}:2` }));
    expect(counted.Records).toEqual([[{ longValue: 2 }]]);
    const { rows } = await warehouse.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.batch_target`);
    expect(rows[0]?.n).toBe("0");
  });

  it("takes a batch's COUNT and UNLOAD from one snapshot, whatever commits in between", async () => {
    await warehouse.query(`CREATE TABLE ${schema}.growing AS SELECT i AS id FROM generate_series(1, 500) AS i`);
    const { Id } = await client.send(
      new BatchExecuteStatementCommand({
        ...target,
        Sqls: [
          `SELECT count(*) AS n FROM ${schema}.growing`,
          "SELECT pg_sleep(1)",
          unload(`SELECT id FROM ${schema}.growing`, "snapshot/", "FORMAT AS PARQUET MANIFEST VERBOSE"),
        ],
      }),
    );
    await waitFor("the batch's second statement to run", async () => {
      const d = await client.send(new DescribeStatementCommand({ Id: `${Id}:2` }));
      return d.Status === "STARTED" ? d : undefined;
    });
    await warehouse.query(`INSERT INTO ${schema}.growing SELECT generate_series(501, 800)`);
    const described = await finished(Id);
    expect(described.Status).toBe("FINISHED");
    expect(described.SubStatements?.[2]?.ResultRows).toBe(500);
    const counted = await client.send(new GetStatementResultCommand({ Id: `${Id}:1` }));
    expect(counted.Records).toEqual([[{ longValue: 500 }]]);
    const manifest = await readManifest("snapshot/manifest");
    expect(manifest.meta?.record_count).toBe(500);
  });

  it("runs a batch's UNLOAD with the settings its SET statements made (time zone, float digits)", async () => {
    const { Id } = await client.send(
      new BatchExecuteStatementCommand({
        ...target,
        Sqls: [
          "SET timezone TO 'Australia/Melbourne'",
          "SET extra_float_digits TO 0",
          unload(
            "SELECT to_char(TIMESTAMPTZ '2024-04-06 00:00:00+00', 'HH24') AS hour, CAST(CAST(0.1 AS float8) * 3 AS VARCHAR(65535)) AS f",
            "settings/",
            "FORMAT AS PARQUET PARALLEL OFF",
          ),
        ],
      }),
    );
    expect((await finished(Id)).Status).toBe("FINISHED");
    const { rows } = await readParquet("settings/000.parquet");
    // Melbourne is UTC+11 that night; with 0 extra digits 0.30000000000000004 prints as 0.3.
    expect(rows).toEqual([{ hour: "11", f: "0.3" }]);
  });

  it("cancels a long statement: ABORTED, its backend's query stopped", async () => {
    const { Id } = await client.send(new ExecuteStatementCommand({ ...target, Sql: "SELECT pg_sleep(60)" }));
    const running = await waitFor("the statement to start", async () => {
      const d = await client.send(new DescribeStatementCommand({ Id }));
      return d.Status === "STARTED" ? d : undefined;
    });
    expect((await client.send(new CancelStatementCommand({ Id }))).Status).toBe(true);
    const cancelled = await finished(Id);
    expect(cancelled.Status).toBe("ABORTED");
    expect(cancelled.Error).toMatch(/^ERROR: Query \(\d+\) cancelled on user's request$/);
    const { rows } = await warehouse.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", [
      running.RedshiftPid,
    ]);
    expect(rows).toEqual([]);
  });

  it("cancels a running UNLOAD (DuckDB's connection too)", async () => {
    const { Id } = await client.send(
      new ExecuteStatementCommand({
        ...target,
        Sql: unload("SELECT pg_sleep(60)::text AS slept", "cancelled/", "PARQUET"),
      }),
    );
    await waitFor("the UNLOAD to read", async () => {
      const { rows } = await warehouse.query(
        "SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(60)::text%' AND pid <> pg_backend_pid()",
      );
      return rows.length > 0 ? true : undefined;
    });
    await client.send(new CancelStatementCommand({ Id }));
    const cancelled = await finished(Id);
    expect(cancelled.Status).toBe("ABORTED");
    expect(await objects("cancelled/")).toEqual([]);
  });

  it("UNLOAD PARALLEL OFF: serial names, and a verbose manifest that matches the files", async () => {
    const described = await execute(
      unload(
        `SELECT id, name, amount, even, at FROM ${schema}.events WHERE name <> 'none' ORDER BY id`,
        "serial/events_",
        "FORMAT AS PARQUET PARALLEL OFF MANIFEST VERBOSE",
      ),
    );
    expect([described.Status, described.ResultRows, described.HasResultSet]).toEqual(["FINISHED", 1000, false]);
    expect((await objects("serial/")).map((o) => o.key)).toEqual([
      "serial/events_000.parquet",
      "serial/events_manifest",
    ]);
    const manifest = await readManifest("serial/events_manifest");
    const size = (await objects("serial/events_000.parquet"))[0]?.size;
    expect(manifest).toEqual({
      entries: [
        { url: `s3://${bucket}/serial/events_000.parquet`, meta: { content_length: size, record_count: 1000 } },
      ],
      schema: {
        elements: [
          { name: "id", type: { base: "integer" } },
          { name: "name", type: { base: "character varying", max_length: 65535 } },
          { name: "amount", type: { base: "numeric", precision: 10, scale: 3 } },
          { name: "even", type: { base: "boolean" } },
          { name: "at", type: { base: "timestamp without time zone" } },
        ],
      },
      meta: { content_length: size, record_count: 1000 },
      author: { name: "Amazon Redshift", version: "1.0.0" },
    });
    const { rows } = await readParquet("serial/events_000.parquet");
    expect(rows.length).toBe(1000);
    expect(rows[0]).toMatchObject({ id: 1, name: "name 1", even: false });
    expect(rows.map((r) => r["id"])).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it("UNLOAD PARALLEL ON with MAXFILESIZE: slice-and-part names, files split near the size, counts that add up", async () => {
    await warehouse.query(
      `CREATE TABLE ${schema}.wide AS
         SELECT i AS id, md5(i::text) || md5((i * 7)::text) || md5((i * 13)::text) AS noise
           FROM generate_series(1, 160000) AS i`,
    );
    const described = await execute(
      unload(`SELECT id, noise FROM ${schema}.wide`, "split/", "PARQUET MAXFILESIZE 5 MB MANIFEST VERBOSE"),
    );
    expect([described.Status, described.ResultRows]).toEqual(["FINISHED", 160000]);
    const listed = await objects("split/");
    const data = listed.filter((o) => o.key !== "split/manifest");
    expect(data.length).toBeGreaterThan(1);
    expect(data.map((o) => o.key)).toEqual(data.map((_, i) => `split/0000_part_${String(i).padStart(2, "0")}.parquet`));
    const manifest = await readManifest("split/manifest");
    expect(manifest.entries.map((e) => e.url)).toEqual(data.map((o) => `s3://${bucket}/${o.key}`));
    let total = 0;
    for (const [i, file] of data.entries()) {
      const entry = manifest.entries[i];
      const { rows, footerRows } = await readParquet(file.key);
      expect(entry?.meta).toEqual({ content_length: file.size, record_count: rows.length });
      expect(footerRows).toBe(rows.length);
      // A file closes at the first row group boundary past MAXFILESIZE: over it by at most one row group.
      expect(file.size).toBeLessThan(6 * 1024 * 1024);
      total += rows.length;
    }
    expect(total).toBe(160000);
    expect(manifest.meta).toEqual({ content_length: data.reduce((s, o) => s + o.size, 0), record_count: 160000 });
  });

  it("refuses to overwrite without ALLOWOVERWRITE or CLEANPATH; ALLOWOVERWRITE keeps other files, CLEANPATH removes them", async () => {
    const query = `SELECT id FROM ${schema}.events WHERE id <= 10`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "overwrite/stale.txt", Body: "older export" }));
    const refused = await execute(unload(query, "overwrite/", "PARQUET"));
    expect([refused.Status, refused.Error]).toEqual([
      "FAILED",
      "ERROR: Specified unload destination on S3 is not empty. Consider using a different bucket / prefix, manually removing the target files in S3, or using the ALLOWOVERWRITE option.",
    ]);
    expect((await objects("overwrite/")).map((o) => o.key)).toEqual(["overwrite/stale.txt"]);

    expect((await execute(unload(query, "overwrite/", "PARQUET ALLOWOVERWRITE MANIFEST"))).Status).toBe("FINISHED");
    expect((await objects("overwrite/")).map((o) => o.key)).toEqual([
      "overwrite/0000_part_00.parquet",
      "overwrite/manifest",
      "overwrite/stale.txt",
    ]);
    const plain = await readManifest("overwrite/manifest");
    expect(plain.entries).toEqual([
      { url: `s3://${bucket}/overwrite/0000_part_00.parquet`, meta: { content_length: expect.any(Number) } },
    ]);
    expect(plain.schema).toBeUndefined();

    expect((await execute(unload(query, "overwrite/", "PARQUET CLEANPATH EXTENSION 'pq'"))).Status).toBe("FINISHED");
    expect((await objects("overwrite/")).map((o) => o.key)).toEqual(["overwrite/0000_part_00.pq"]);
  });

  it("fails on a character value over 65,535 bytes, as Redshift's VARCHAR does", async () => {
    const atLimit = await execute(unload("SELECT repeat('x', 65535) AS v", "varchar/ok/", "PARQUET"));
    expect(atLimit.Status).toBe("FINISHED");
    const tooLong = await execute(unload("SELECT repeat('x', 65536) AS v", "varchar/long/", "PARQUET"));
    expect(tooLong.Status).toBe("FAILED");
    expect(tooLong.Error).toMatch(/^ERROR: Value too long for character type\nDETAIL: /);
    expect(tooLong.Error).toContain('column "v" holds 65536 bytes');
    expect(await objects("varchar/long/")).toEqual([]);
    expect((await execute("SELECT repeat('é', 40000) AS v")).Error).toMatch(
      /^ERROR: Value too long for character type/,
    );
  });

  it("fails with a permission error for a role the cluster does not have; IAM_ROLE default is the cluster's", async () => {
    const other = "arn:aws:iam::123456789012:role/not-associated";
    const denied = await execute(
      `UNLOAD ('SELECT 1 AS one') TO 's3://${bucket}/denied/' IAM_ROLE '${other}' FORMAT PARQUET`,
    );
    expect(denied.Status).toBe("FAILED");
    expect(denied.Error).toMatch(
      new RegExp(
        `^ERROR: User arn:aws:redshift:[a-z0-9-]+:\\d{12}:dbuser:local-cluster/awsuser is not authorized to assume IAM Role ${other}`,
      ),
    );
    const byDefault = await execute(`UNLOAD ('SELECT 1 AS one') TO 's3://${bucket}/default/' IAM_ROLE default PARQUET`);
    expect(byDefault.Status).toBe("FINISHED");
  });

  it("writes no data file for an empty result, and a manifest listing none", async () => {
    const described = await execute(
      unload(`SELECT id FROM ${schema}.events WHERE id < 0`, "empty/", "PARQUET MANIFEST VERBOSE"),
    );
    expect([described.Status, described.ResultRows]).toEqual(["FINISHED", 0]);
    expect((await objects("empty/")).map((o) => o.key)).toEqual(["empty/manifest"]);
    expect((await readManifest("empty/manifest")).entries).toEqual([]);
  });

  it("keeps every statement's text in its history (ListStatements)", async () => {
    const name = `history-${run}`;
    const single = unload(`SELECT id FROM ${schema}.events`, "history/", "PARQUET");
    const a = await client.send(new ExecuteStatementCommand({ ...target, Sql: single, StatementName: name }));
    const b = await client.send(
      new BatchExecuteStatementCommand({ ...target, Sqls: ["SELECT 1", "SELECT 2"], StatementName: `${name}-batch` }),
    );
    await finished(a.Id);
    await finished(b.Id);
    const { Statements } = await client.send(new ListStatementsCommand({ StatementName: name }));
    expect(Statements?.map((s) => [s.Id, s.QueryString, s.QueryStrings, s.IsBatchStatement, s.Status])).toEqual([
      [b.Id, undefined, ["SELECT 1", "SELECT 2"], true, "FINISHED"],
      [a.Id, single, undefined, false, "FINISHED"],
    ]);
  });
});
