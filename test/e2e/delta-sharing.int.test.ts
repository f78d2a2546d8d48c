import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { waitFor } from "@data-exporter/runtime";
import pg from "pg";
import { newRecipient } from "../../services/sharing-server/src/domain/recipient-profile.js";
import {
  classifiedColumns,
  classifiedRows,
  classifiedTables,
  DeltaSharingClientError,
  ensureDeltaSharingClient,
  firstDemoDay,
  listAllSharedTables,
  loadSharedTable,
  requestData,
  rowKey,
  runTrigger,
  serviceNames,
  sharingServiceName,
  startDeployment,
  waitForExport,
  type ClassifiedTable,
  type TestDeployment,
} from "../../dev/harness/index.js";

/**
 * The Delta Sharing server read by the official `delta-sharing` Python client (PyPI): a scheduled export (a table
 * per exported table, partitioned by export_date) and an on-demand export (a table of its own) come back with the
 * warehouse's classified rows; tokens expire; shares are granted per recipient; every file served is audited.
 * 2024-04-07 is the day Melbourne leaves daylight saving: its window has 25 hours.
 */
const DATE = "2024-04-07";
const WINDOW: readonly [Date, Date] = [new Date("2024-04-06T13:00:00.000Z"), new Date("2024-04-07T14:00:00.000Z")];
const finished = ["COMPLETED", "FAILED", "PARTIAL-SUCCESS", "CANCELLED"];

describe("Delta Sharing", () => {
  let deployment: TestDeployment;
  let warehouseDb: pg.Pool;
  let state: pg.Pool;
  let endpoint: string;
  const dir = mkdtempSync(join(tmpdir(), "delta-sharing-"));
  const profiles: Record<"analyst" | "expired" | "partner", string> = {
    analyst: join(dir, "analyst.share"),
    expired: join(dir, "expired.share"),
    partner: join(dir, "partner.share"),
  };
  let scheduledId: string;
  let onDemandId: string;
  let onDemandWindow: [Date, Date];

  const schema = (): string => deployment.names.statusSchema;
  const env = (): Record<string, string> => ({ ...deployment.serviceEnv, LOG_LEVEL: "info" });
  const hex = (id: string): string => id.replace(/-/g, "");

  async function scheduledExport(force: boolean): Promise<string> {
    const run = await runTrigger(["--date", DATE, ...(force ? ["--force"] : [])], env());
    expect(run.code).toBe(0);
    const id = run.triggered[0]?.requestId ?? "";
    const status = await waitFor(
      `scheduled export ${id} to finish`,
      async () => {
        const { rows } = await state.query<{ status: string }>(
          `SELECT status FROM "${schema()}".request_table WHERE de_request_id = $1`,
          [id],
        );
        return finished.includes(rows[0]?.status ?? "") ? rows[0]?.status : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    expect(status).toBe("COMPLETED");
    return id;
  }

  const expected = (table: ClassifiedTable, window: readonly [Date, Date]) =>
    classifiedRows(warehouseDb, {
      schema: deployment.names.warehouseSchema,
      table,
      window,
      hashKey: deployment.serviceEnv.HASH_KEY ?? "",
    });

  const keysOf = (rows: readonly Record<string, unknown>[], columns: readonly string[]): string[] =>
    rows.map((row) => rowKey(row, columns)).sort();

  beforeAll(async () => {
    const client = ensureDeltaSharingClient();
    const now = Date.now();
    // The endpoint is known once the server runs; the profiles are written then.
    const endpoint0 = "";
    const analyst = newRecipient({
      name: "analyst",
      shares: ["exports"],
      expiresAt: new Date(now + 86_400_000),
      endpoint,
    });
    const expired = newRecipient({
      name: "former",
      shares: ["exports"],
      expiresAt: new Date(now - 60_000),
      endpoint: endpoint0,
    });
    const partner = newRecipient({
      name: "partner",
      shares: ["roads"],
      expiresAt: new Date(now + 86_400_000),
      endpoint,
    });
    const configFile = join(dir, "sharing.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        shares: [
          { name: "exports", scheduled: { tables: "*" }, onDemand: { requestedBy: "*" } },
          { name: "roads", scheduled: { tables: ["way"] } },
        ],
        recipients: [analyst.entry, expired.entry, partner.entry],
      }),
    );
    deployment = await startDeployment({
      label: "sharing",
      services: [...serviceNames, sharingServiceName],
      serviceEnv: { [sharingServiceName]: { SHARING_CONFIG_FILE: configFile } },
    });
    const server = deployment.services.find((s) => s.name === sharingServiceName);
    endpoint = `${server?.healthUrl ?? ""}/delta-sharing`;
    writeFileSync(profiles.analyst, JSON.stringify({ ...analyst.profile, endpoint }));
    writeFileSync(profiles.expired, JSON.stringify({ ...expired.profile, endpoint }));
    writeFileSync(profiles.partner, JSON.stringify({ ...partner.profile, endpoint }));
    warehouseDb = new pg.Pool({ connectionString: process.env.WAREHOUSE_URL, max: 2 });
    state = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
    scheduledId = await scheduledExport(false);
    const [startTime, endTime] = firstDemoDay(deployment);
    onDemandWindow = [new Date(startTime * 1000), new Date(endTime * 1000)];
    onDemandId = await requestData(deployment.graphqlUrl, startTime, endTime);
    const status = await waitForExport(deployment.graphqlUrl, onDemandId, 120_000);
    expect(status.status).toBe("Completed");
    await client;
  }, 400_000);

  afterAll(async () => {
    await warehouseDb?.end();
    await state?.end();
    await deployment?.stop();
  });

  it("lists every table of the share: one per scheduled table, one per on-demand export's table", async () => {
    const tables = await listAllSharedTables(profiles.analyst);
    const names = (s: string) =>
      tables
        .filter((t) => t.schema === s)
        .map((t) => t.name)
        .sort();
    expect(tables.every((t) => t.share === "exports")).toBe(true);
    // Not the classification snapshot (`classifications`): its folder holds several tables' files, no one schema.
    expect(names("scheduled")).toEqual([...classifiedTables].sort());
    expect(names("on_demand")).toEqual(classifiedTables.map((t) => `${t}__${hex(onDemandId)}`).sort());
  });

  it.each(["traffic_observation", "way"] as const)(
    "load_as_pandas of a scheduled table gives the warehouse's classified rows of the date (%s)",
    async (table) => {
      const loaded = await loadSharedTable(profiles.analyst, `exports.scheduled.${table}`);
      const columns = classifiedColumns(table);
      expect(loaded.columns).toEqual([...columns, "export_date"]);
      expect(loaded.rows.every((row) => row.export_date === DATE)).toBe(true);
      const want = await expected(table, WINDOW);
      expect(want.length).toBeGreaterThan(0);
      expect(keysOf(loaded.rows, columns)).toEqual(keysOf(want, columns));
    },
  );

  it("load_as_pandas of an on-demand export's table gives the warehouse's classified rows of its window", async () => {
    const loaded = await loadSharedTable(profiles.analyst, `exports.on_demand.traffic_observation__${hex(onDemandId)}`);
    const columns = classifiedColumns("traffic_observation");
    expect(loaded.columns).toEqual([...columns]);
    expect(loaded.dtypes["obs_time"]).toMatch(/datetime64\[.+, UTC\]/);
    const want = await expected("traffic_observation", onDemandWindow);
    expect(keysOf(loaded.rows, columns)).toEqual(keysOf(want, columns));
  });

  it("drops the files of other dates when the client's partition predicate rules them out", async () => {
    const onDate = (date: string) => ({
      op: "equal",
      children: [
        { op: "column", name: "export_date", valueType: "date" },
        { op: "literal", value: date, valueType: "date" },
      ],
    });
    const other = await loadSharedTable(profiles.analyst, "exports.scheduled.way", onDate("2024-04-08"));
    expect(other.rows).toHaveLength(0);
    const same = await loadSharedTable(profiles.analyst, "exports.scheduled.way", onDate(DATE));
    expect(same.rows.length).toBe((await expected("way", WINDOW)).length);
  });

  it("refuses an expired token with 401", async () => {
    const refused = await listAllSharedTables(profiles.expired).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DeltaSharingClientError);
    expect((refused as DeltaSharingClientError).status).toBe(401);
  });

  it("shows a recipient only its shares: another share is 403, a table outside its own is 404", async () => {
    const tables = await listAllSharedTables(profiles.partner);
    expect(tables).toEqual([{ share: "roads", schema: "scheduled", name: "way" }]);
    const forbidden = await loadSharedTable(profiles.partner, "exports.scheduled.way").catch((e: unknown) => e);
    expect((forbidden as DeltaSharingClientError).status).toBe(403);
    const missing = await loadSharedTable(profiles.partner, "roads.scheduled.cctv").catch((e: unknown) => e);
    expect((missing as DeltaSharingClientError).status).toBe(404);
  });

  it("answers the protocol's errors as JSON, and honours limitHint by the files' row counts", async () => {
    const token = (
      JSON.parse(await import("node:fs").then((fs) => fs.readFileSync(profiles.analyst, "utf8"))) as {
        bearerToken: string;
      }
    ).bearerToken;
    const anonymous = await fetch(`${endpoint}/shares`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ errorCode: "UNAUTHENTICATED" });
    const auth = { authorization: `Bearer ${token}` };
    const unknown = await fetch(`${endpoint}/shares/exports/schemas/scheduled/tables/nope/metadata`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ errorCode: "RESOURCE_DOES_NOT_EXIST" });
    const query = await fetch(`${endpoint}/shares/exports/schemas/scheduled/tables/traffic_observation/query`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ limitHint: 1 }),
    });
    expect(query.status).toBe(200);
    expect(query.headers.get("delta-table-version")).toBe("0");
    const lines = (await query.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toEqual({ protocol: { minReaderVersion: 1 } });
    expect(lines[1]).toMatchObject({
      metaData: { partitionColumns: ["export_date"], format: { provider: "parquet" } },
    });
    const files = lines.slice(2).map((line) => line.file as Record<string, unknown>);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ partitionValues: { export_date: DATE } });
    expect(files[0]?.expirationTimestamp).toBeGreaterThan(Date.now());
    expect(JSON.parse(String(files[0]?.stats))).toMatchObject({ numRecords: expect.any(Number) as unknown });
  });

  it("audits every file served with its recipient", async () => {
    const { rows } = await state.query<{ recipient: string; share_table: string; object_key: string; n: string }>(
      `SELECT recipient, share_table, object_key, count(*) AS n FROM "${schema()}".sharing_audit
       GROUP BY recipient, share_table, object_key ORDER BY 1, 2, 3`,
    );
    expect(rows.length).toBeGreaterThan(0);
    // The partner's queries were refused: nothing was served to it.
    expect(new Set(rows.map((r) => r.recipient))).toEqual(new Set(["analyst"]));
    const { rows: files } = await state.query<{ key: string }>(
      `SELECT f->>'key' AS key FROM "${schema()}".table_export_job_statuses, jsonb_array_elements(files) f
       WHERE de_request_id = $1 AND table_name = 'traffic_observation'`,
      [onDemandId],
    );
    const served = rows
      .filter((r) => r.share_table === `traffic_observation__${hex(onDemandId)}`)
      .map((r) => r.object_key);
    expect(served.sort()).toEqual(files.map((f) => f.key).sort());
    // The service counts the same links on /metrics.
    const metrics = await (await fetch(`${endpoint.replace(/\/delta-sharing$/, "")}/metrics`)).text();
    const counted = /^data_exporter_sharing_files_served_total\{recipient="analyst",share="exports"\} (\d+)$/m.exec(
      metrics,
    );
    expect(Number(counted?.[1])).toBe(rows.reduce((sum, r) => sum + Number(r.n), 0));
  });

  it("serves a re-exported date once, from the newer export, as a new version", async () => {
    const again = await scheduledExport(true);
    expect(again).not.toBe(scheduledId);
    const loaded = await loadSharedTable(profiles.analyst, "exports.scheduled.traffic_observation");
    const columns = classifiedColumns("traffic_observation");
    expect(keysOf(loaded.rows, columns)).toEqual(keysOf(await expected("traffic_observation", WINDOW), columns));
    const { rows } = await state.query<{ de_request_id: string }>(
      `SELECT DISTINCT de_request_id FROM "${schema()}".sharing_audit
       WHERE share_table = 'traffic_observation' AND served_at > now() - interval '1 minute'
         AND served_at = (SELECT max(served_at) FROM "${schema()}".sharing_audit WHERE share_table = 'traffic_observation')`,
    );
    expect(rows.map((r) => r.de_request_id)).toEqual([again]);
  });
});
