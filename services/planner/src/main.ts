import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import pg from "pg";
import { defaultPolicy } from "@data-exporter/classification";
import { DynamoDbConfigStore, configTableNames } from "@data-exporter/config-store";
import { connectBus, runService, startConsumer } from "@data-exporter/runtime";
import { PostgresCatalog } from "@data-exporter/warehouse";
import { configSchema } from "./config.js";
import { planRequestedExport, type PlannerDeps } from "./handlers/plan-requested-export.js";

await runService(
  {
    name: "planner",
    configSchema,
    start: async ({ config, log, resources }) => {
      const pool = new pg.Pool({ connectionString: config.WAREHOUSE_URL, max: 2 });
      resources.defer(() => pool.end());
      const catalog = new PostgresCatalog(pool);
      const dynamo = new DynamoDBClient({ region: config.AWS_REGION, ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}) });
      resources.defer(() => dynamo.destroy());
      const configStore = new DynamoDbConfigStore(dynamo, { tableNames: configTableNames({ prefix: config.CONFIG_TABLE_PREFIX }) });
      const extraPatterns = config.PII_DENY_PATTERNS.split(",").map((p) => p.trim()).filter(Boolean);
      const policy = { ...defaultPolicy, denyColumnPatterns: [...defaultPolicy.denyColumnPatterns, ...extraPatterns] };

      const bus = await connectBus(config, log, resources, "planner");
      const deps: PlannerDeps = {
        loadConfig: () => configStore.load(),
        describeTable: (schema, table) => catalog.describeTable(schema, table),
        publishPlanned: async (event) => void (await bus.producer.publish("exportLifecycle", { type: "ExportPlanned", value: event })),
        publishCommand: async (command) => void (await bus.producer.publish("unloadCommands", { type: "UnloadTableCommand", value: command })),
        policy,
        bucket: config.EXPORT_BUCKET,
        envName: config.EXPORT_ENV,
        now: Date.now,
      };

      const consumer = await startConsumer(bus, resources, {
        groupId: "data-exporter.planner",
        topics: ["exportRequested"],
        handler: async (envelope) => {
          const event = envelope.value;
          const plan = await planRequestedExport({ ...event, mode: "ON_DEMAND", exportDate: null }, deps);
          log.info(
            {
              requestId: event.requestId,
              tables: plan.commands.map((c) => c.table),
              skipped: plan.planned.skippedTables,
              configVersion: plan.planned.configVersion,
            },
            "export planned",
          );
        },
      });
      return { readiness: { kafka: () => bus.producer.isConnected() && consumer.isConnected() } };
    },
  },
  process.env,
);
