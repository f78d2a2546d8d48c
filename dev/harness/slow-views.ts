import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { configTableNames, writeConfig } from "@data-exporter/config-store";
import { demoClassificationFor } from "@data-exporter/demo-data";
import { waitFor } from "@data-exporter/runtime";
import pg from "pg";
import { awsClientConfig } from "./deployment.js";
import { stackFromEnv, type ProvisionedDeployment } from "./provision.js";

export interface SlowViewsOptions {
  /** View names, created in the deployment's warehouse schema. */
  readonly tables: readonly string[];
  /** Rows of each view (columns `id` and `label`). */
  readonly rows: number;
  /** How long each query of a view sleeps in PostgreSQL; an unload queries it twice (count, then COPY). */
  readonly sleepSeconds: number;
}

/**
 * Makes the deployment export only views that sleep in PostgreSQL, so an unload is reliably in flight for a while:
 * the demo tables are switched off and every column of the views is classified nr (exported as is).
 */
export async function exportOnlySlowViews(deployment: ProvisionedDeployment, options: SlowViewsOptions): Promise<void> {
  const schema = deployment.names.warehouseSchema;
  const warehouse = new pg.Pool({ connectionString: stackFromEnv().endpoints.warehouseUrl, max: 1 });
  try {
    for (const table of options.tables) {
      // The sleep is a one-row function scan joined to the rows: it runs once per query of the view.
      await warehouse.query(
        `CREATE VIEW "${schema}"."${table}" AS
           SELECT g AS id, md5(g::text) AS label
           FROM generate_series(1, ${Math.trunc(options.rows)}) AS g CROSS JOIN pg_sleep(${Number(options.sleepSeconds)}) AS s`,
      );
    }
  } finally {
    await warehouse.end();
  }

  const dynamo = new DynamoDBClient(awsClientConfig());
  try {
    const demo = demoClassificationFor(schema);
    await writeConfig(dynamo, configTableNames({ prefix: deployment.names.configTablePrefix }), {
      tables: [
        ...demo.tables.map((t) => ({ ...t, enabled: false, onDemandEnabled: false })),
        ...options.tables.map((table) => ({
          table,
          schema,
          enabled: true,
          onDemandEnabled: true,
          timeColumn: null,
          sourceColumn: null,
          metricColumn: null,
        })),
      ],
      rules: {
        columns: options.tables.flatMap((table) =>
          ["id", "label"].map((column) => ({ table, column, classification: "nr" as const })),
        ),
        sources: [],
        metrics: [],
      },
    });
  } finally {
    dynamo.destroy();
  }
}

/**
 * Waits until a warehouse session is running a query over the view (an unload is inside PostgreSQL, not before or
 * after it) and returns that session's pid.
 */
export async function waitForViewQuery(table: string, timeoutMs = 15_000): Promise<number> {
  const warehouse = new pg.Pool({ connectionString: stackFromEnv().endpoints.warehouseUrl, max: 1 });
  try {
    return await waitFor(
      `a warehouse query over ${table}`,
      async () => {
        const { rows } = await warehouse.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
            WHERE state = 'active' AND pid <> pg_backend_pid() AND position($1 in query) > 0`,
          [table],
        );
        return rows[0]?.pid;
      },
      { timeoutMs, intervalMs: 25 },
    );
  } finally {
    await warehouse.end();
  }
}
