import pg from "pg";
import { connectBus, runService, startConsumer } from "@data-exporter/runtime";
import { completionEventOf, PostgresStatusStore, requestedState } from "@data-exporter/status-store";
import { configSchema } from "./config.js";
import { recordScheduledTrigger } from "./handlers/record-trigger.js";
import { publishCompletion, trackLifecycleEvent, type TrackerDeps } from "./handlers/track-lifecycle.js";

await runService(
  {
    name: "status-tracker",
    configSchema,
    start: async ({ config, log, resources }) => {
      const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 5 });
      // An idle connection dropped by the server must not crash the process; the next query reconnects.
      pool.on("error", (error) => log.warn({ error: error.message }, "idle database connection failed"));
      resources.defer(() => pool.end());
      const store = new PostgresStatusStore(pool, config.STATUS_SCHEMA);
      await store.migrate();
      const bus = await connectBus(config, log, resources, "status-tracker");
      const deps: TrackerDeps = {
        transact: (requestId, decide) => store.transact(requestId, decide),
        publishCompleted: async (event) =>
          void (await bus.producer.publish("exportCompleted", { type: "ExportCompleted", value: event })),
        markCompletionPublished: (requestId, at) => store.markCompletionPublished(requestId, at),
        now: Date.now,
      };

      for (const state of await store.unpublishedCompletions()) {
        await publishCompletion(completionEventOf(state), deps);
        log.warn({ requestId: state.requestId }, "published an ExportCompleted left unpublished by an earlier crash");
      }

      const consumer = await startConsumer(bus, resources, {
        // Namespaced like the topics: deployments sharing a broker must not share a group (it would mix their topics).
        groupId: "data-exporter.status-tracker",
        topics: ["exportRequested", "dailyExportTriggered", "exportLifecycle"],
        handler: async (envelope) => {
          if (envelope.topicKey === "exportRequested") {
            await store.recordRequested(requestedState(envelope.value, "ON_DEMAND"));
            return;
          }
          if (envelope.topicKey === "dailyExportTriggered") {
            const { requestId, exportDate, force } = envelope.value;
            const record = await recordScheduledTrigger(envelope.value, {
              findScheduled: (date) => store.findScheduled(date),
              recordRequested: (state) => store.recordRequested(state),
            });
            if (record.recorded) log.info({ requestId, exportDate, force }, "scheduled export requested");
            else
              log.info(
                { requestId, exportDate, existingRequestId: record.existingRequestId },
                "trigger of an already exported date; not recorded",
              );
            return;
          }
          const transition = await trackLifecycleEvent(envelope, deps);
          const context = { requestId: envelope.value.requestId, event: envelope.type };
          if (transition.ignored) log.debug({ ...context, reason: transition.ignored }, "event changed nothing");
          if (transition.completed) {
            const { status, mode, exportDate, tables } = transition.completed;
            log.info(
              {
                ...context,
                status,
                mode,
                exportDate,
                tables: tables.length,
                configVersion: transition.state.configVersion,
              },
              "export completed",
            );
          }
        },
      });
      return { readiness: { kafka: () => bus.producer.isConnected() && consumer.isConnected() } };
    },
  },
  process.env,
);
