import { connectBus, openPgPool, runService, startConsumer } from "@data-exporter/runtime";
import { PostgresStatusStore } from "@data-exporter/status-store";
import { configSchema } from "./config.js";
import { handleTrackerEvent, type TrackerEventDeps } from "./handlers/handle-tracker-event.js";
import { republishUnannounced } from "./handlers/track-lifecycle.js";

await runService(
  {
    name: "status-tracker",
    configSchema,
    start: async (service) => {
      const { config, log } = service;
      const pool = openPgPool(service, {
        connectionString: config.DATABASE_URL,
        max: 5,
        applicationName: "status-tracker",
      });
      const store = new PostgresStatusStore(pool, config.STATUS_SCHEMA);
      await store.migrate();
      const bus = await connectBus(config, log, service.resources, "status-tracker");
      const deps: TrackerEventDeps = {
        transact: (requestId, decide) => store.transact(requestId, decide),
        publishCompleted: async (event) =>
          void (await bus.producer.publish("exportCompleted", { type: "ExportCompleted", value: event })),
        markCompletionPublished: (requestId, at) => store.markCompletionPublished(requestId, at),
        findScheduled: (date) => store.findScheduled(date),
        recordRequested: (state) => store.recordRequested(state),
        now: Date.now,
        log,
      };

      await republishUnannounced(() => store.unpublishedCompletions(), deps);
      const consumer = await startConsumer(bus, service, {
        // Namespaced like the topics: deployments sharing a broker must not share a group (it would mix their topics).
        groupId: "data-exporter.status-tracker",
        topics: ["exportRequested", "dailyExportTriggered", "exportLifecycle"],
        handler: (event) => handleTrackerEvent(event, deps),
      });
      return { readiness: { kafka: () => bus.producer.isConnected() && consumer.isConnected() } };
    },
  },
  process.env,
);
