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
  /** Views defined as `tables` are, without the sleep: they export at once. */
  readonly quick?: readonly string[];
  /** Views whose every query fails (division by zero, a permanent error): their table FAILED at its first attempt. */
  readonly broken?: readonly string[];
}

/** How a view behaves: sleeps (seconds) before its rows, answers at once, or fails every query. */
export type ViewBehaviour = { readonly sleepSeconds: number } | "quick" | "broken";

/** (Re)defines a view of `rows` rows (columns `id`, `label`) that behaves as asked; its columns never change. */
export async function defineView(
  deployment: ProvisionedDeployment,
  table: string,
  rows: number,
  behaviour: ViewBehaviour,
): Promise<void> {
  const schema = deployment.names.warehouseSchema;
  const from =
    behaviour === "quick"
      ? `generate_series(1, ${Math.trunc(rows)}) AS g`
      : behaviour === "broken"
        ? `generate_series(1, ${Math.trunc(rows)}) AS g WHERE 1 / (g - g) = 1`
        : // The sleep is a one-row function scan joined to the rows: it runs once per query of the view.
          `generate_series(1, ${Math.trunc(rows)}) AS g CROSS JOIN pg_sleep(${Number(behaviour.sleepSeconds)}) AS s`;
  const warehouse = new pg.Pool({ connectionString: stackFromEnv().endpoints.warehouseUrl, max: 1 });
  try {
    await warehouse.query(
      `CREATE OR REPLACE VIEW "${schema}"."${table}" AS SELECT g AS id, md5(g::text) AS label FROM ${from}`,
    );
  } finally {
    await warehouse.end();
  }
}

/**
 * Makes the deployment export only views that sleep in PostgreSQL, so an unload is reliably in flight for a while:
 * the demo tables are switched off and every column of the views is classified nr (exported as is).
 */
export async function exportOnlySlowViews(deployment: ProvisionedDeployment, options: SlowViewsOptions): Promise<void> {
  const schema = deployment.names.warehouseSchema;
  const quick = options.quick ?? [];
  const broken = options.broken ?? [];
  for (const table of options.tables)
    await defineView(deployment, table, options.rows, { sleepSeconds: options.sleepSeconds });
  for (const table of quick) await defineView(deployment, table, options.rows, "quick");
  for (const table of broken) await defineView(deployment, table, options.rows, "broken");
  const views = [...options.tables, ...quick, ...broken];

  const dynamo = new DynamoDBClient(awsClientConfig());
  try {
    const demo = demoClassificationFor(schema);
    await writeConfig(dynamo, configTableNames({ prefix: deployment.names.configTablePrefix }), {
      tables: [
        ...demo.tables.map((t) => ({ ...t, enabled: false, onDemandEnabled: false })),
        ...views.map((table) => ({
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
        columns: views.flatMap((table) =>
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
