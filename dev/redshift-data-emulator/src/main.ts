/**
 * The Redshift Data API emulator: `tsx dev/redshift-data-emulator/src/main.ts [--port 4010]`, configured by the
 * environment (config.ts). dev/stack starts it with the local stack; it is never deployed.
 */
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { createS3Client, S3ObjectStore, type ObjectStore } from "@data-exporter/object-store";
import {
  collectProcessMetrics,
  createMetrics,
  processRegistry,
  runService,
  startPeriodic,
} from "@data-exporter/runtime";
import pg from "pg";
import { configSchema } from "./config.js";
import { Engine } from "./engine.js";
import { createOperations } from "./operations.js";
import { createDataApiServer } from "./server.js";
import { StatementStore } from "./statements.js";

// --port wins over REDSHIFT_EMULATOR_PORT: the stack names the port on the command line, where it recognises its process.
const { values } = parseArgs({ options: { port: { type: "string" } } });

await runService(
  {
    name: "redshift-data-emulator",
    configSchema,
    // Health routes are served on the API's own port.
    healthPort: () => undefined,
    start: async (service) => {
      const { config, log, resources } = service;
      const s3 = createS3Client({
        region: config.AWS_REGION,
        endpoint: config.AWS_ENDPOINT_URL,
        forcePathStyle: config.S3_FORCE_PATH_STYLE,
      });
      resources.defer(() => s3.destroy());
      const buckets = new Map<string, ObjectStore>();
      const bucket = (name: string): ObjectStore => {
        let store = buckets.get(name);
        if (store === undefined) buckets.set(name, (store = new S3ObjectStore({ client: s3, bucket: name })));
        return store;
      };

      const engine: Engine = new Engine({
        postgresUrl: config.REDSHIFT_EMULATOR_POSTGRES_URL,
        maxConcurrency: config.REDSHIFT_EMULATOR_MAX_CONCURRENCY,
        log: (fields, message) => log.info(fields, message),
        unload: {
          settings: {
            duckdbPostgresExtension: config.DUCKDB_POSTGRES_EXTENSION,
            tempDir: config.REDSHIFT_EMULATOR_TEMP_DIR,
            duckdbMemoryLimit: config.REDSHIFT_EMULATOR_DUCKDB_MEMORY_LIMIT,
            rowGroupRows: config.REDSHIFT_EMULATOR_ROW_GROUP_ROWS,
            iamRoles: config.REDSHIFT_EMULATOR_IAM_ROLES,
            region: config.AWS_REGION,
            accountId: config.REDSHIFT_EMULATOR_ACCOUNT_ID,
          },
          bucket,
          cancelBackend: (database, pid) => engine.cancelBackend(database, pid),
        },
      });
      // Runs before the S3 client is destroyed: running statements are cancelled and awaited.
      resources.defer(() => engine.close());

      const store = new StatementStore(config.REDSHIFT_EMULATOR_HISTORY_LIMIT);
      const operations = createOperations({
        store,
        engine,
        defaultDatabase: config.REDSHIFT_EMULATOR_DEFAULT_DATABASE,
        maxActiveStatements: config.REDSHIFT_EMULATOR_MAX_ACTIVE_STATEMENTS,
        pageRecords: config.REDSHIFT_EMULATOR_PAGE_RECORDS,
      });

      // /readyz answers from this flag; the probe runs in the background so readiness never waits on PostgreSQL.
      let postgresReachable = false;
      const probePostgres = async (): Promise<void> => {
        const client = new pg.Client({ connectionString: config.REDSHIFT_EMULATOR_POSTGRES_URL });
        try {
          await client.connect();
          await client.query("SELECT 1");
          postgresReachable = true;
        } catch (error) {
          postgresReachable = false;
          throw error;
        } finally {
          await client.end().catch(() => undefined);
        }
      };
      void probePostgres().catch(() => undefined);
      startPeriodic(service, { name: "postgres probe", intervalMs: 5000, run: probePostgres });

      // A dev tool, not a service: its one metric is not in the services' catalog.
      createMetrics(
        {
          statementsActive: {
            type: "gauge",
            name: "redshift_emulator_statements_active",
            help: "Statements the emulator is running.",
            labelNames: [],
          },
        },
        { collect: { statementsActive: (gauge) => gauge.set(store.activeCount()) } },
      );
      collectProcessMetrics();
      const server = createDataApiServer({
        operations,
        health: {
          readiness: { postgres: () => postgresReachable },
          metrics: processRegistry,
        },
        log: (fields, message) => log.error(fields, message),
      });
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.REDSHIFT_EMULATOR_PORT, config.REDSHIFT_EMULATOR_HOST, () => resolve());
      });
      // Closed first at shutdown: no new statement is accepted while running ones are cancelled.
      resources.defer(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      );
      const address = server.address() as AddressInfo;
      log.info(
        {
          endpoint: `http://${address.address}:${address.port}`,
          iamRoles: config.REDSHIFT_EMULATOR_IAM_ROLES,
          s3: config.AWS_ENDPOINT_URL ?? "AWS",
        },
        "Redshift Data API emulator listening",
      );
      return { readiness: { postgres: () => postgresReachable } };
    },
  },
  values.port === undefined ? process.env : { ...process.env, REDSHIFT_EMULATOR_PORT: values.port },
);
