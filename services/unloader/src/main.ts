import pg from "pg";
import { PostgresSemaphore } from "@data-exporter/concurrency";
import { S3ObjectStore } from "@data-exporter/object-store";
import { connectBus, runService, startConsumer } from "@data-exporter/runtime";
import { PostgresWarehouse, SnapshotExporter } from "@data-exporter/warehouse";
import { configSchema } from "./config.js";
import { exportTable } from "./handlers/export-table.js";
import { runUnload, type UnloaderDeps } from "./handlers/run-unload.js";

const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
  });

await runService(
  {
    name: "unloader",
    configSchema,
    start: async ({ config, log, resources }) => {
      const objectStore = S3ObjectStore.fromConfig({
        bucket: config.EXPORT_BUCKET,
        region: config.AWS_REGION,
        endpoint: config.AWS_ENDPOINT_URL,
        forcePathStyle: config.S3_FORCE_PATH_STYLE,
      });
      await objectStore.ensureBucket();
      const warehouse = new PostgresWarehouse({
        warehouseUrl: config.WAREHOUSE_URL,
        objectStore,
        hashKey: config.HASH_KEY,
        duckdbPostgresExtension: config.DUCKDB_POSTGRES_EXTENSION,
        maxFileBytes: config.MAX_FILE_BYTES,
        rowGroupSize: config.ROW_GROUP_SIZE,
        memoryLimit: config.DUCKDB_MEMORY_LIMIT,
        tempDir: config.UNLOAD_TEMP_DIR,
      });
      resources.defer(() => warehouse.close());
      const snapshots = new SnapshotExporter({ objectStore, tempDir: config.UNLOAD_TEMP_DIR });

      // One connection per held slot plus one for tries; closed after the consumer stopped and released every slot.
      const slotPool = new pg.Pool({
        connectionString: config.DATABASE_URL,
        max: config.UNLOAD_PARALLELISM + 1,
        keepAlive: true,
        application_name: "data-exporter.unloader",
      });
      slotPool.on("error", (error) => log.warn({ error: error.message }, "idle unload-slot connection failed"));
      resources.defer(() => slotPool.end());
      // Replicas of one deployment share a namespace; the semaphore spans exactly them.
      const slotsName = `${config.TOPIC_NAMESPACE}data-exporter.unload-slots`;
      const slots = new PostgresSemaphore({ pool: slotPool, name: slotsName, slots: config.MAX_CONCURRENCY_LIMIT });
      log.info(
        { semaphore: slotsName, limit: config.MAX_CONCURRENCY_LIMIT, parallelism: config.UNLOAD_PARALLELISM },
        "unload slots",
      );

      const bus = await connectBus(config, log, resources, "unloader");
      const shutdown = new AbortController();
      let inFlight = 0;
      let completed = 0;
      let failed = 0;
      let waitingForSlot = 0;
      let slotsHeld = 0;
      const deps: UnloaderDeps = {
        acquireSlot: async (signal, command) => {
          const context = { requestId: command.requestId, table: command.table, attempt: command.attempt };
          const since = Date.now();
          let waited = false;
          const lease = await slots
            .acquire(signal, {
              onWait: () => {
                waited = true;
                waitingForSlot++;
                log.info({ ...context, limit: config.MAX_CONCURRENCY_LIMIT }, "waiting for an unload slot");
              },
              onError: (error) =>
                log.warn({ ...context, error: error.message }, "cannot reach the unload-slot database; retrying"),
            })
            .finally(() => void (waited && waitingForSlot--));
          slotsHeld++;
          if (waited) log.info({ ...context, slot: lease.slot, waitedMs: Date.now() - since }, "got an unload slot");
          lease.lost.addEventListener(
            "abort",
            () => log.warn({ ...context, slot: lease.slot }, "lost the unload slot; stopping the attempt"),
            { once: true },
          );
          return { lost: lease.lost, release: () => lease.release().finally(() => void slotsHeld--) };
        },
        unload: exportTable({ warehouse, snapshot: snapshots }),
        publish: async (event) => void (await bus.producer.publish("exportLifecycle", event)),
        maxCommandAgeMs: config.MAX_COMMAND_AGE_MS,
        maxAttempts: 1 + config.MAX_RETRY_COUNT,
        backoffMs: (attempt) => config.RETRY_BACKOFF_MS * 2 ** (attempt - 1),
        sleep: abortableSleep,
        timeoutMs: config.UNLOAD_TIMEOUT_MS,
        worker: config.WORKER_ID,
        now: Date.now,
        shutdown: shutdown.signal,
        onUnexpectedError: (error, command, attempt) =>
          log.error(
            { err: error, requestId: command.requestId, table: command.table, attempt },
            "unexpected unload error",
          ),
      };

      const consumer = await startConsumer(bus, resources, {
        // Namespaced like the topics: deployments sharing a broker must not share a group (kafkajs's round-robin
        // assigner hands one deployment's partitions to another's members, which drop them).
        groupId: "data-exporter.unloader",
        topics: ["unloadCommands"],
        // Commands of one request are keyed per table, so they spread over partitions that run side by side here.
        partitionsConsumedConcurrently: config.UNLOAD_PARALLELISM,
        // A table's failures are reported as events by runUnload; what throws (a publish while Kafka is away) is
        // retried with the service-wide capped backoff (HANDLER_MAX_ATTEMPTS) rather than dead-lettered quickly.
        handler: async ({ value: command }, { signal }) => {
          const context = { requestId: command.requestId, table: command.table };
          log.info({ ...context, attempt: command.attempt, prefix: command.outputPrefix }, "unload started");
          inFlight++;
          try {
            // The consumer aborts `signal` when this replica is losing the partition (a rebalance): stop the unload
            // (its query is cancelled) and let the new owner redo it, rather than run it twice at once.
            const outcome = await runUnload(command, { ...deps, shutdown: AbortSignal.any([deps.shutdown, signal]) });
            if (outcome.status === "COMPLETED") {
              completed++;
              log.info(
                {
                  ...context,
                  attempts: outcome.attempts,
                  rows: outcome.result?.rows,
                  bytes: outcome.result?.bytes,
                  files: outcome.result?.files.length,
                },
                "unload completed",
              );
            } else {
              failed++;
              log.warn({ ...context, attempts: outcome.attempts, error: outcome.error }, "unload failed");
            }
          } finally {
            inFlight--;
          }
        },
      });
      // Registered after the consumer, so it runs first on shutdown: abort the unload, then stop the consumer.
      resources.defer(() => shutdown.abort(new Error("unloader shutting down")));
      return {
        readiness: { kafka: () => bus.producer.isConnected() && consumer.isConnected() },
        metrics: () => ({
          unloads_in_flight: inFlight,
          unloads_waiting_for_slot: waitingForSlot,
          unload_slots_held: slotsHeld,
          unload_slot_limit: config.MAX_CONCURRENCY_LIMIT,
          unloads_completed: completed,
          unloads_failed: failed,
        }),
      };
    },
  },
  process.env,
);
