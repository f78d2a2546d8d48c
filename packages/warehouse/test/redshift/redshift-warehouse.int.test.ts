import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { ListStatementsCommand, RedshiftDataClient, type StatementData } from "@aws-sdk/client-redshift-data";
import { waitFor } from "@data-exporter/runtime";
import { hmacSha256Pads } from "../../src/index.js";
import { unloadCommand, uniqueName } from "../fixtures.js";
import type { WarehouseHarness } from "../warehouse-harness.js";
import { redshiftHarness } from "./redshift-harness.js";

// What only the Redshift adapter promises: what Redshift's query history holds, statements aborted on abort, the
// staging prefix left empty.

let h: WarehouseHarness;
let client: RedshiftDataClient;

beforeAll(async () => {
  h = await redshiftHarness.setup();
  client = new RedshiftDataClient({
    endpoint: process.env["REDSHIFT_DATA_ENDPOINT"] ?? "",
    region: process.env["AWS_REGION"] ?? "ap-southeast-2",
  });
});
afterAll(async () => {
  client?.destroy();
  await h?.teardown();
});

async function statementsAbout(table: string): Promise<StatementData[]> {
  const all: StatementData[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListStatementsCommand({ MaxResults: 100, ...(token ? { NextToken: token } : {}) }),
    );
    all.push(...(page.Statements ?? []));
    token = page.NextToken;
  } while (token);
  return all.filter((s) => (s.QueryStrings ?? [s.QueryString ?? ""]).some((q) => q.includes(table)));
}

const table = (name: string, rows: number) => ({
  name,
  columns: [
    { name: "obs_time", type: "timestamptz" as const },
    { name: "way_id", type: "bigint" as const },
    { name: "label", type: "text" as const },
  ],
  rows: Array.from({ length: rows }, (_, i) => ({
    obs_time: new Date(Date.UTC(2026, 0, 1, 0, i)),
    way_id: BigInt(1000 + i),
    label: `row ${i}`,
  })),
});

describe("RedshiftWarehouse", () => {
  it("runs one FINISHED batch (settings, count, shape, UNLOAD); no statement holds the hash key", async () => {
    const name = uniqueName("hashed");
    await h.createTable(table(name, 30));
    const prefix = `exports/${randomUUID()}/`;
    const result = await h.warehouse().unload(
      unloadCommand({
        schema: h.schema,
        table: name,
        outputPrefix: prefix,
        fileBaseName: name,
        columns: [
          { name: "obs_time", treatment: "AS_IS", roundDigits: null },
          { name: "way_id", treatment: "KEYED_HASH", roundDigits: null },
        ],
      }),
    );
    expect(result.rows).toBe(30);
    const statements = await statementsAbout(name);
    const batch = statements.filter((s) => s.IsBatchStatement);
    expect(batch.map((s) => s.Status)).toEqual(["FINISHED"]);
    const texts = batch[0]?.QueryStrings ?? [];
    expect(texts.map((t) => t.split(" ")[0])).toEqual(["SET", "SET", "SET", "SELECT", "SELECT", "UNLOAD"]);
    const pads = hmacSha256Pads(h.hashKey);
    for (const text of statements.flatMap((s) => s.QueryStrings ?? [s.QueryString ?? ""]))
      for (const secret of [h.hashKey, pads.innerHex, pads.outerHex]) expect(text).not.toContain(secret);
    // The staging prefix is emptied once the final files are published.
    expect(await h.store.list("_staging/")).toEqual([]);
  });

  it("cancels the UNLOAD when the unload is aborted: the statement ends ABORTED and nothing is published", async () => {
    const name = uniqueName("slow_src");
    await h.createTable(table(name, 5));
    const view = uniqueName("slow");
    await h.createView({ name: view, of: name, delayMs: 30_000 });
    const prefix = `exports/${randomUUID()}/`;
    const abort = new AbortController();
    const running = h.warehouse().unload(
      unloadCommand({
        schema: h.schema,
        table: view,
        outputPrefix: prefix,
        fileBaseName: view,
        columns: [{ name: "way_id", treatment: "AS_IS", roundDigits: null }],
      }),
      { signal: abort.signal },
    );
    await waitFor(`a query over ${view}`, async () => ((await h.runningQueries(view)) > 0 ? true : undefined));
    abort.abort(new Error("shutting down"));
    await expect(running).rejects.toMatchObject({ code: "ABORTED", retryable: true });
    await waitFor("the batch to be ABORTED", async () => {
      const batch = (await statementsAbout(view)).find((s) => s.IsBatchStatement);
      return batch?.Status === "ABORTED" ? true : undefined;
    });
    expect(await h.runningQueries(view)).toBe(0);
    expect(await h.store.list(prefix)).toEqual([]);
  });
});
