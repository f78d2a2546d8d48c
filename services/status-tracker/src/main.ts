import { DeadLetterConsumer, originalEvent } from "@data-exporter/bus";
import {
  connectBus,
  createMetrics,
  migrateWith,
  openPgPool,
  runService,
  startConsumer,
  startPeriodic,
  startRetrying,
  statusTrackerMetricDefinitions,
} from "@data-exporter/runtime";
import { PostgresStatusStore } from "@data-exporter/status-store";
import { SweepQueries } from "./adapters/sweep-queries.js";
import { configSchema } from "./config.js";
import { exportOutcomeLabels } from "./domain/export-outcome.js";
import { handleTrackerBatch } from "./handlers/handle-tracker-batch.js";
import { handleTrackerEvent, type TrackerEventDeps } from "./handlers/handle-tracker-event.js";
import { handleDeadLetter } from "./handlers/dead-letters.js";
import { sweep } from "./handlers/sweep.js";
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
      await migrateWith(service, config, pool, (owner) =>
        new PostgresStatusStore(owner, config.STATUS_SCHEMA).migrate(),
      );
      const bus = await connectBus(config, log, service.resources, "status-tracker");
      const metrics = createMetrics(statusTrackerMetricDefinitions);
      const deps: TrackerEventDeps = {
        transact: (requestId, decide) => store.transact(requestId, decide),
        // Counted here, where an export finishes: once per completion published (again only if the publish was
        // not confirmed and is repeated).
        publishCompleted: async (event) => {
          await bus.producer.publish("exportCompleted", { type: "ExportCompleted", value: event });
          metrics.exports.inc(exportOutcomeLabels(event));
        },
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
        // A backlog (a restart, a burst of exports) is drained a batch per transaction and per offset commit.
        batchHandler: (events, context) =>
          handleTrackerBatch<(typeof events)[number]>(events, {
            ...deps,
            transactAll: (requestIds, decide) => store.transactAll(requestIds, decide),
            publishCompletedFor: (event, origin) => context.inSpanOf(origin, () => deps.publishCompleted(event)),
          }),
      });
      const deadLetters = await startRetrying(
        log,
        "dead-letter consumer",
        () =>
          new DeadLetterConsumer(bus.kafka, {
            groupId: `${config.TOPIC_NAMESPACE}data-exporter.status-tracker.dead-letters`,
            namespace: config.TOPIC_NAMESPACE,
            sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
            handler: async (deadLetter) => {
              const outcome = await handleDeadLetter(deadLetter, {
                loadRequest: (requestId) => store.get(requestId),
                originalEvent,
                publishFailed: async (value) =>
                  void (await bus.producer.publish("exportLifecycle", { type: "TableUnloadFailed", value })),
                publishPlanned: async (value) =>
                  void (await bus.producer.publish("exportLifecycle", { type: "ExportPlanned", value })),
                now: Date.now,
                log,
              });
              if (outcome.ended !== "nothing")
                log.warn({ deadLetter: deadLetter.id, ...outcome }, "dead letter ended work");
            },
            onError: (error, deadLetter) =>
              log.warn({ err: error, deadLetter: deadLetter.id }, "could not handle a dead letter; retrying"),
          }),
      );
      service.resources.defer(() => deadLetters.stop());

      const sweeps = new SweepQueries(pool, config.STATUS_SCHEMA);
      startPeriodic(service, {
        name: "sweep",
        intervalMs: config.SWEEP_INTERVAL_MS,
        run: async () => {
          const swept = await sweep({
            stuckJobs: () => sweeps.stuckJobs(config.STUCK_AFTER_MS),
            overdueRequests: () => sweeps.overdueRequests(config.REQUEST_DEADLINE_MS),
            publishFailed: async (value) =>
              void (await bus.producer.publish("exportLifecycle", { type: "TableUnloadFailed", value })),
            publishPlanned: async (value) =>
              void (await bus.producer.publish("exportLifecycle", { type: "ExportPlanned", value })),
            stuckAfterMs: config.STUCK_AFTER_MS,
            deadlineMs: config.REQUEST_DEADLINE_MS,
            now: Date.now,
            log,
          });
          metrics.stuckTables.inc(swept.stuck);
          metrics.requestsPastDeadline.inc(swept.overdue);
        },
      });
      return {
        readiness: {
          kafka: () => bus.producer.isConnected() && consumer.isConnected() && deadLetters.isConnected(),
        },
      };
    },
  },
  process.env,
);
