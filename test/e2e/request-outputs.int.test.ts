import { createHash } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import pg from "pg";
import { configTableNames, writeConfig } from "@data-exporter/config-store";
import { S3ObjectStore } from "@data-exporter/object-store";
import {
  awsClientConfig,
  firstDemoDay,
  readParquet,
  requestData,
  requestStatus,
  startDeployment,
  type RequestStatusResult,
  type TestDeployment,
  waitForExport,
} from "../../dev/harness/index.js";

/**
 * Each request's outputs, as a caller and a folder reader see them: an export of a window is reused while it is
 * still good, `force` exports again, and after two exports of one window (rows inserted between them) each
 * request's links serve exactly its own files while the folder lists only the newer generation.
 */
let deployment: TestDeployment;
let warehouse: pg.Pool;
let window: [number, number];
let first: RequestStatusResult;

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

async function download(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

async function exported(requestId: string): Promise<RequestStatusResult> {
  const status = await waitForExport(deployment.graphqlUrl, requestId, 120_000);
  expect(status.status).toBe("Completed");
  return status;
}

/** Rows of one table as the request's links serve them, after checking each file's bytes against its SHA-256. */
async function cctvRowsServed(status: RequestStatusResult): Promise<number> {
  const table = status.tables.find((t) => t.tableName === "cctv");
  expect(table?.files.length).toBeGreaterThan(0);
  let rows = 0;
  for (const file of table?.files ?? []) {
    const bytes = await download(file.url);
    expect(sha256(bytes)).toBe(file.sha256);
    const parquet = await readParquet(bytes);
    expect(parquet.rows.length).toBe(file.rows);
    rows += parquet.rows.length;
  }
  return rows;
}

beforeAll(async () => {
  deployment = await startDeployment({ label: "outputs" });
  warehouse = new pg.Pool({ connectionString: process.env.WAREHOUSE_URL, max: 2 });
  window = firstDemoDay(deployment);
  first = await exported(await requestData(deployment.graphqlUrl, ...window));
}, 240_000);

afterAll(async () => {
  await warehouse?.end();
  await deployment?.stop();
});

describe("outputs per request", () => {
  it("returns the completed export of the same window instead of exporting again", async () => {
    expect(await requestData(deployment.graphqlUrl, ...window)).toBe(first.requestId);
    // Another window is another export.
    expect(await requestData(deployment.graphqlUrl, window[0], window[1] - 3600)).not.toBe(first.requestId);
  });

  it("keeps each request's links serving its own files after a forced export of the same window with more rows", async () => {
    const firstRows = await cctvRowsServed(first);
    const ws = deployment.names.warehouseSchema;
    await warehouse.query(
      `INSERT INTO "${ws}".cctv (cctv_id, way_id, label, latitude, longitude, installed_at)
       VALUES (987654321, 1, 'inserted between the exports', -37.81, 144.96, now())`,
    );
    const second = await exported(await requestData(deployment.graphqlUrl, ...window, { force: true }));
    expect(second.requestId).not.toBe(first.requestId);
    expect(await cctvRowsServed(second)).toBe(firstRows + 1);

    // The first request's links, read again after the second export replaced its folder: its own bytes and rows.
    const again = await requestStatus(deployment.graphqlUrl, first.requestId);
    expect(await cctvRowsServed(again)).toBe(firstRows);
    for (const table of again.tables) {
      const manifest = JSON.parse(new TextDecoder().decode(await download(table.manifestUrl ?? ""))) as {
        requestId: string;
        files: { key: string; sha256: string }[];
      };
      expect(manifest.requestId).toBe(first.requestId);
      expect(manifest.files.map((f) => f.sha256)).toEqual(table.files.map((f) => f.sha256));
    }

    // A reader listing the folders sees one generation: the second request's files and manifest, nothing else.
    const store = S3ObjectStore.fromConfig({
      bucket: deployment.names.bucket,
      ...awsClientConfig(),
      forcePathStyle: true,
    });
    for (const table of second.tables) {
      const prefix = table.files[0]?.key.replace(/[^/]+$/, "") ?? "";
      const listed = (await store.list(prefix)).map((o) => o.key).sort();
      expect(listed).toEqual([...table.files.map((f) => f.key), `${prefix}manifest`].sort());
      const manifest = JSON.parse(await store.getText(`${prefix}manifest`)) as { requestId: string };
      expect(manifest.requestId).toBe(second.requestId);
    }

    // The newest good export is the one reused now.
    expect(await requestData(deployment.graphqlUrl, ...window)).toBe(second.requestId);
  });

  it("exports again once the classification rules changed", async () => {
    const before = await requestData(deployment.graphqlUrl, ...window);
    const dynamo = new DynamoDBClient(awsClientConfig());
    try {
      await writeConfig(dynamo, configTableNames({ prefix: deployment.names.configTablePrefix }), {
        tables: [],
        rules: {
          columns: [{ table: "internal_audit_log", column: "action", classification: "de" }],
          sources: [],
          metrics: [],
        },
      });
    } finally {
      dynamo.destroy();
    }
    const after = await requestData(deployment.graphqlUrl, ...window);
    expect(after).not.toBe(before);
    await exported(after);
  });
});
