import { createHmac } from "node:crypto";
import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import type { UnloadTableCommand } from "@data-exporter/contracts";
import {
  PostgresCatalog,
  RedshiftWarehouse,
  redshiftSessionSettings,
  renderRedshiftUnload,
  type Warehouse,
} from "../../src/index.js";
import { postgresHarness } from "../postgres/postgres-harness.js";
import {
  requireEnv,
  type TextRow,
  type WarehouseHarness,
  type WarehouseHarnessFactory,
  type WarehouseOverrides,
} from "../warehouse-harness.js";

const TEXT = { getTypeParser: () => (value: string) => value };

/**
 * Redshift through the Data API emulator (REDSHIFT_DATA_ENDPOINT), which runs the SQL on the test stack's
 * PostgreSQL: fixtures are created there directly, as they would be loaded into Redshift, and the reference rows are
 * the Redshift dialect's classified selection run there with the session Redshift gives a statement.
 */
export const redshiftHarness: WarehouseHarnessFactory = {
  name: "redshift",
  async setup(): Promise<WarehouseHarness> {
    const endpoint = requireEnv("REDSHIFT_DATA_ENDPOINT");
    const iamRole = requireEnv("REDSHIFT_IAM_ROLE_ARN");
    const base = await postgresHarness.setup();
    const database = new URL(base.url).pathname.slice(1);
    const opened: RedshiftDataClient[] = [];
    const makeWarehouse = (
      overrides: WarehouseOverrides & { endpoint?: string; secretArn?: string } = {},
    ): Warehouse => {
      const client = new RedshiftDataClient({
        endpoint: overrides.endpoint ?? endpoint,
        region: process.env["AWS_REGION"] ?? "ap-southeast-2",
        maxAttempts: 1,
      });
      opened.push(client);
      return new RedshiftWarehouse({
        client,
        target: {
          database,
          clusterIdentifier: "contract-test",
          ...(overrides.secretArn ? { secretArn: overrides.secretArn } : { dbUser: "exporter" }),
        },
        iamRole,
        objectStore: overrides.objectStore ?? base.store,
        stagingPrefix: "_staging/",
        hashKey: base.hashKey,
        maxFileBytes: overrides.maxFileBytes ?? 64 * 1024 * 1024,
        rowGroupSize: overrides.rowGroupSize ?? 122_880,
        memoryLimit: "256MB",
        tempDir: base.tempDir,
        parallel: false,
        poll: { initialMs: 20, maxMs: 200 },
      });
    };
    return {
      ...base,
      warehouse: makeWarehouse,
      unreachableWarehouse() {
        // Port 9 (discard) refuses connections; the secret ARN is what must stay out of every message.
        const secretArn = "arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:exporter-s3cr3t";
        return { warehouse: makeWarehouse({ endpoint: "http://127.0.0.1:9", secretArn }), secrets: ["s3cr3t"] };
      },
      async referenceRows(command: UnloadTableCommand): Promise<TextRow[]> {
        const columns = await new PostgresCatalog(base.sql).describeTable(command.schema, command.table);
        const { select } = renderRedshiftUnload(command, {
          columns,
          hashKey: base.hashKey,
          target: { s3Prefix: "s3://reference-bucket/x_", iamRole, maxFileBytes: 1 << 30, parallel: false },
        });
        const client = await base.sql.connect();
        try {
          await client.query("BEGIN");
          // Redshift reads backslashes in literals as escapes; its session settings fix the text forms.
          await client.query("SET LOCAL standard_conforming_strings = off");
          for (const setting of redshiftSessionSettings) await client.query(setting.replace(/^SET /, "SET LOCAL "));
          const result = await client.query({ text: select, types: TEXT });
          await client.query("COMMIT");
          const hashed = command.columns.filter((c) => c.treatment === "KEYED_HASH").map((c) => c.name);
          return (result.rows as TextRow[]).map((row) => {
            const out = { ...row };
            for (const name of hashed) {
              const value = out[name];
              out[name] = value == null ? null : createHmac("sha256", base.hashKey).update(value).digest("hex");
            }
            return out;
          });
        } finally {
          client.release();
        }
      },
      async teardown() {
        for (const client of opened) client.destroy();
        await base.teardown();
      },
    };
  },
};
