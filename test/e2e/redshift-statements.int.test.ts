import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { waitFor } from "@data-exporter/runtime";
import pg from "pg";
import {
  exportOnlySlowViews,
  firstDemoDay,
  redshiftHistory,
  requestData,
  startDeployment,
  stackFromEnv,
  type TestDeployment,
  unloadsIn,
  waitForExport,
} from "../../dev/harness/index.js";

/**
 * What an operator sees in Redshift's history when unloads go wrong on the Redshift adapter: an UNLOAD that outlives
 * UNLOAD_TIMEOUT_MS is cancelled (its statement ABORTED, its query gone from the cluster) and retried up to
 * MAX_RETRY_COUNT, then the table is FAILED.
 */
const SLOW = "slow_unload";
let deployment: TestDeployment;

beforeAll(async () => {
  deployment = await startDeployment({
    label: "rs-timeout",
    warehouse: "redshift",
    services: ["request-api", "planner", "unloader", "status-tracker"],
    env: { UNLOAD_TIMEOUT_MS: "3000", MAX_RETRY_COUNT: "1", RETRY_BACKOFF_MS: "100" },
  });
  await exportOnlySlowViews(deployment, { tables: [SLOW], rows: 10, sleepSeconds: 60 });
}, 120_000);

afterAll(async () => {
  await deployment?.stop();
});

describe("an UNLOAD that outlives UNLOAD_TIMEOUT_MS", () => {
  it("is cancelled (ABORTED in ListStatements) on each of 1 + MAX_RETRY_COUNT attempts, then its table FAILED", async () => {
    const [start, end] = firstDemoDay(deployment);
    const requestId = await requestData(deployment.graphqlUrl, start, end);
    const status = await waitForExport(deployment.graphqlUrl, requestId, 90_000).catch((error: Error) => {
      throw new Error(`${error.message}\n--- service logs ---\n${deployment.logs.slice(-60).join("\n")}`);
    });
    expect(status.status).toBe("Failed");
    expect(status.tables).toEqual([
      expect.objectContaining({ tableName: SLOW, status: "FAILED", attempts: 2, files: [] }),
    ]);
    expect(status.tables[0]?.error).toMatch(/timeout|timed out|abort/i);

    const endpoint = deployment.serviceEnv.REDSHIFT_DATA_ENDPOINT ?? "";
    const about = `"${deployment.names.warehouseSchema}"."${SLOW}"`;
    const unloads = await waitFor("both UNLOADs to end ABORTED", async () => {
      const found = unloadsIn(await redshiftHistory(endpoint, about));
      return found.length === 2 && found.every((s) => s.status === "ABORTED") ? found : undefined;
    });
    expect(unloads.map((s) => s.status)).toEqual(["ABORTED", "ABORTED"]);
    // Cancelled in the cluster too: no query over the view is still running in the warehouse.
    const warehouse = new pg.Pool({ connectionString: stackFromEnv().endpoints.warehouseUrl, max: 1 });
    try {
      const { rows } = await warehouse.query(
        `SELECT pid FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND position($1 in query) > 0`,
        [SLOW],
      );
      expect(rows).toEqual([]);
    } finally {
      await warehouse.end();
    }
  }, 120_000);
});
