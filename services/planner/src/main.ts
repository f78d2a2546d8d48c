import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import pg from "pg";
import { defaultPolicy } from "@data-exporter/classification";
import { DynamoDbConfigStore, configTableNames } from "@data-exporter/config-store";
import { connectBus, runService, startConsumer } from "@data-exporter/runtime";
import { PostgresCatalog } from "@data-exporter/warehouse";
import { PlannerState } from "./adapters/planner-state.js";
import { configSchema } from "./config.js";
import { planOrReportUnplannable } from "./handlers/report-unplannable.js";
import { planRequestedExport, type PlannerDeps } from "./handlers/plan-requested-export.js";
import { planScheduledExport, type ScheduledPlannerDeps } from "./handlers/plan-scheduled-export.js";

await runService(
  {
    name: "planner",
    configSchema,
    start: async ({ config, log, resources }) => {
      const pool = new pg.Pool({ connectionString: config.WAREHOUSE_URL, max: 2 });
      // An idle connection dropped by the server must not crash the process; the next query reconnects.
      pool.on("error", (error) => log.warn({ error: error.message }, "idle database connection failed"));
      resources.defer(() => pool.end());
      const catalog = new PostgresCatalog(pool);
      const statePool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
      // An idle connection dropped by the server must not crash the process; the next query reconnects.
      statePool.on("error", (error) => log.warn({ error: error.message }, "idle database connection failed"));
      resources.defer(() => statePool.end());
      const state = new PlannerState(statePool, config.STATUS_SCHEMA);
      await state.migrate();
      const dynamo = new DynamoDBClient({
        region: config.AWS_REGION,
        ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
      });
      resources.defer(() => dynamo.destroy());
      const configStore = new DynamoDbConfigStore(dynamo, {
        tableNames: configTableNames({ prefix: config.CONFIG_TABLE_PREFIX }),
      });
      const policy = {
        ...defaultPolicy,
        denyColumnPatterns: [...defaultPolicy.denyColumnPatterns, ...config.PII_DENY_PATTERNS],
      };

      const bus = await connectBus(config, log, resources, "planner");
      const deps: PlannerDeps = {
        loadConfig: () => configStore.load(),
        describeTable: (schema, table) => catalog.describeTable(schema, table),
        publishPlanned: async (event) =>
          void (await bus.producer.publish("exportLifecycle", { type: "ExportPlanned", value: event })),
        publishCommand: async (command) =>
          void (await bus.producer.publish("unloadCommands", { type: "UnloadTableCommand", value: command })),
        policy,
        bucket: config.EXPORT_BUCKET,
        envName: config.EXPORT_ENV,
        now: Date.now,
      };
      const scheduledDeps: ScheduledPlannerDeps = {
        ...deps,
        claimDate: (input) => state.claim(input),
      };

      const onDemand = await startConsumer(bus, resources, {
        // Namespaced like the topics: deployments sharing a broker must not share a group (it would mix their topics).
        groupId: "data-exporter.planner",
        topics: ["exportRequested"],
        handler: async (envelope) => {
          const event = envelope.value;
          if (await state.wasPlanned(event.requestId)) {
            log.info({ requestId: event.requestId }, "request already planned; redelivery ignored");
            return;
          }
          const intent = { ...event, mode: "ON_DEMAND" as const, exportDate: null };
          const result = await planOrReportUnplannable(intent, () => planRequestedExport(intent, deps), deps);
          if ("unplannable" in result) {
            log.error(
              { requestId: event.requestId, err: result.unplannable },
              "export cannot be planned: configuration unreadable",
            );
            return;
          }
          const plan = result.planned;
          await state.recordPlanned(event.requestId, plan.planned.configVersion, plan.commands.length);
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
      // A group of its own: a scheduled export (with its snapshot upload) never delays an on-demand request.
      const scheduled = await startConsumer(bus, resources, {
        groupId: "data-exporter.planner.scheduled",
        topics: ["dailyExportTriggered"],
        handler: async ({ value: event }) => {
          const context = {
            requestId: event.requestId,
            exportDate: event.exportDate,
            force: event.force,
            triggeredBy: event.triggeredBy,
          };
          if (await state.wasPlanned(event.requestId)) {
            log.info(context, "scheduled request already planned; redelivery ignored");
            return;
          }
          const intent = { ...event, mode: "SCHEDULED" as const };
          const result = await planOrReportUnplannable(intent, () => planScheduledExport(event, scheduledDeps), deps);
          if ("unplannable" in result) {
            log.error(
              { ...context, err: result.unplannable },
              "scheduled export cannot be planned: configuration unreadable",
            );
            return;
          }
          const outcome = result.planned;
          if (outcome.kind === "duplicate") {
            log.info(
              {
                ...context,
                existingRequestId: outcome.existingRequestId,
                existingTriggeredAt: new Date(outcome.existingTriggeredAt).toISOString(),
              },
              "date already exported or being exported; nothing published (trigger with --force to export it again)",
            );
            return;
          }
          await state.recordPlanned(event.requestId, outcome.plan.planned.configVersion, outcome.plan.commands.length);
          log.info(
            {
              ...context,
              window: `${new Date(event.windowStart).toISOString()}/${new Date(event.windowEnd).toISOString()}`,
              tables: outcome.plan.planned.tables.map((t) => t.table),
              skipped: outcome.plan.planned.skippedTables,
              configVersion: outcome.plan.planned.configVersion,
              forcedCount: outcome.forcedCount,
            },
            "scheduled export planned",
          );
        },
      });
      return {
        readiness: {
          kafka: () => bus.producer.isConnected() && onDemand.isConnected() && scheduled.isConnected(),
        },
      };
    },
  },
  process.env,
);
