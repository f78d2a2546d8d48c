import { secretsManagerKeyring, verifyMessage } from "@data-exporter/command-signing";
import { PostgresSemaphore, ReacquiringSemaphore } from "@data-exporter/concurrency";
import { S3ObjectStore } from "@data-exporter/object-store";
import { backoffDelay, sleep } from "@data-exporter/retry";
import {
  connectBus,
  objectStoreSpans,
  migrateWith,
  openPgPool,
  runService,
  startConsumer,
  traceCalls,
  warehouseSpans,
} from "@data-exporter/runtime";
import {
  createDataApiClient,
  PostgresWarehouse,
  RedshiftWarehouse,
  redshiftTargetOf,
  SnapshotExporter,
  type Warehouse,
} from "@data-exporter/warehouse";
import { instrumentedSlots } from "./adapters/instrumented-slots.js";
import { postgresPublishLock } from "./adapters/publish-lock.js";
import { PostgresUnloadJobs } from "./adapters/unload-jobs.js";
import { configSchema } from "./config.js";
import { exportTable } from "./handlers/export-table.js";
import { handleUnloadCommand, type UnloadCommandDeps } from "./handlers/handle-unload-command.js";
import { handleRequestTopicEvent } from "./handlers/handle-cancellation.js";
import { refuseUnsigned, type SignatureCheckDeps } from "./handlers/refuse-unsigned.js";
import { RunningLeases } from "./handlers/running-leases.js";
import { UnloadGauges } from "./handlers/unload-gauges.js";
import { registerUnloadMetrics } from "./adapters/unload-metrics.js";

await runService(
  {
    name: "unloader",
    configSchema,
    start: async (service) => {
      const { config, log, resources } = service;
      const objectStore = traceCalls(
        S3ObjectStore.fromConfig({
          bucket: config.EXPORT_BUCKET,
          region: config.AWS_REGION,
          endpoint: config.AWS_ENDPOINT_URL,
          forcePathStyle: config.S3_FORCE_PATH_STYLE,
        }),
        objectStoreSpans(config.EXPORT_BUCKET, config.AWS_REGION),
      );
      await objectStore.ensureBucket();
      // Links are pinned to object versions, and a new generation hides the old one rather than erasing it: without
      // versioning an earlier request's links would serve a later export's bytes, or nothing.
      const versioning = await objectStore.versioning();
      if (versioning !== "Enabled")
        throw new Error(
          `export bucket ${config.EXPORT_BUCKET} has versioning ${versioning}: enable it (infra/ does) so each ` +
            `request's links keep serving its own files`,
        );
      const parquet = {
        objectStore,
        hashKey: config.HASH_KEY,
        maxFileBytes: config.MAX_FILE_BYTES,
        rowGroupSize: config.ROW_GROUP_SIZE,
        memoryLimit: config.DUCKDB_MEMORY_LIMIT,
        tempDir: config.UNLOAD_TEMP_DIR,
      };
      const warehouse: Warehouse = traceCalls<Warehouse>(
        config.WAREHOUSE === "redshift"
          ? new RedshiftWarehouse({
              ...parquet,
              client: createDataApiClient(config),
              target: redshiftTargetOf(config),
              iamRole: config.REDSHIFT_IAM_ROLE_ARN ?? "",
              stagingPrefix: config.REDSHIFT_STAGING_PREFIX,
              duckdbHmacExtension: config.DUCKDB_HMAC_EXTENSION,
              parallel: config.REDSHIFT_UNLOAD_PARALLEL,
            })
          : new PostgresWarehouse({
              ...parquet,
              warehouseUrl: config.WAREHOUSE_URL ?? "",
              duckdbPostgresExtension: config.DUCKDB_POSTGRES_EXTENSION ?? "",
              duckdbHmacExtension: config.DUCKDB_HMAC_EXTENSION,
            }),
        warehouseSpans(config.WAREHOUSE === "redshift" ? "redshift" : "postgresql"),
      );
      resources.defer(() => warehouse.close());
      const snapshots = new SnapshotExporter({ objectStore, tempDir: config.UNLOAD_TEMP_DIR });

      // One connection per held slot, one for tries, one per running job's lease and one per publish lock; closed
      // after the consumer stopped.
      const slotPool = openPgPool(service, {
        connectionString: config.DATABASE_URL,
        max: 3 * config.UNLOAD_PARALLELISM + 1,
        keepAlive: true,
        applicationName: "data-exporter.unloader",
      });
      // Replicas of one deployment share a namespace; the semaphore spans exactly them.
      const slotsName = `${config.TOPIC_NAMESPACE}data-exporter.unload-slots`;
      const slots = new ReacquiringSemaphore(
        new PostgresSemaphore({ pool: slotPool, name: slotsName, slots: config.MAX_CONCURRENCY_LIMIT }),
        {
          graceMs: config.SLOT_REACQUIRE_MS,
          onReacquired: (slot) => log.warn({ slot }, "unload slot lost with its connection, and held again"),
          onGivenUp: (error) => log.warn({ err: error }, "unload slot lost and not held again; stopping the attempt"),
        },
      );
      log.info(
        { semaphore: slotsName, limit: config.MAX_CONCURRENCY_LIMIT, parallelism: config.UNLOAD_PARALLELISM },
        "unload slots",
      );
      const gauges = new UnloadGauges(config.MAX_CONCURRENCY_LIMIT);
      const recorders = registerUnloadMetrics(gauges);
      const jobs = new PostgresUnloadJobs(slotPool, config.STATUS_SCHEMA);
      await migrateWith(service, config, slotPool, (owner) =>
        new PostgresUnloadJobs(owner, config.STATUS_SCHEMA).migrate(),
      );

      // Only commands the planner signed run: AWSCURRENT or AWSPREVIOUS of the signing secret, so rotating it needs
      // no downtime; a version not held is looked up at once (a rotation the planner saw first).
      const signing = secretsManagerKeyring(
        {
          region: config.AWS_REGION,
          endpoint: config.AWS_ENDPOINT_URL,
          secretId: config.COMMAND_SIGNING_SECRET_ID,
          refreshMs: config.COMMAND_SIGNING_KEY_REFRESH_MS,
        },
        {
          onRotated: () => log.info(signing.keyring.versions(), "unload command signing keys loaded"),
          onReloadError: (error) =>
            log.warn({ err: error }, "cannot read the signing secret; verifying with held keys"),
        },
      );
      resources.defer(signing.destroy);
      const signingKeys = signing.keyring;
      await signingKeys.current();

      const bus = await connectBus(config, log, resources, "unloader");
      const signatures: SignatureCheckDeps = {
        verify: (message, headers) => verifyMessage(message, headers, (version) => signingKeys.accepted(version)),
        publish: async (event) => void (await bus.producer.publish("exportLifecycle", event)),
        refused: recorders.commandRefused,
        now: Date.now,
        log,
      };
      const shutdown = new AbortController();
      const running = new RunningLeases();
      const deps: UnloadCommandDeps = {
        acquireSlot: instrumentedSlots(slots, gauges, log, config.MAX_CONCURRENCY_LIMIT),
        unload: exportTable({ warehouse, snapshot: snapshots }, postgresPublishLock(slotPool, config.TOPIC_NAMESPACE)),
        publish: async (event) => void (await bus.producer.publish("exportLifecycle", event)),
        jobs,
        maxCommandAgeMs: config.MAX_COMMAND_AGE_MS,
        maxAttempts: 1 + config.MAX_RETRY_COUNT,
        backoffMs: (attempt) =>
          backoffDelay(attempt, {
            initialMs: config.RETRY_BACKOFF_MS,
            maxMs: config.RETRY_BACKOFF_MAX_MS,
            jitter: 0.5,
          }),
        sleep: async (ms, signal) => void ((await sleep(ms, signal)) || signal.throwIfAborted()),
        timeoutMs: config.UNLOAD_TIMEOUT_MS,
        leaseMs: config.STUCK_AFTER_MS,
        heartbeatMs: config.UNLOAD_HEARTBEAT_MS,
        worker: config.WORKER_ID,
        now: Date.now,
        shutdown: shutdown.signal,
        onUnexpectedError: (error, command, attempt) =>
          log.error(
            { err: error, requestId: command.requestId, table: command.table, attempt },
            "unexpected unload error",
          ),
        onHeartbeatError: (error, command) =>
          log.warn(
            { err: error, requestId: command.requestId, table: command.table },
            "could not renew the unload's lease or send its heartbeat; retrying",
          ),
        onLease: (requestId, lease) => running.add(requestId, lease),
        onLeaseEnd: (requestId, lease) => running.remove(requestId, lease),
        gauges,
        unloadFinished: recorders.unloadFinished,
        log,
      };

      const consumer = await startConsumer(bus, service, {
        // Namespaced like the topics: deployments sharing a broker must not share a group (kafkajs's round-robin
        // assigner hands one deployment's partitions to another's members, which drop them).
        groupId: "data-exporter.unloader",
        topics: ["unloadCommands"],
        // Commands of one request are keyed per table, so they spread over partitions that run side by side here.
        partitionsConsumedConcurrently: config.UNLOAD_PARALLELISM,
        // What throws (a publish while Kafka is away) is retried with the service-wide capped backoff
        // (HANDLER_MAX_ATTEMPTS) rather than dead-lettered quickly.
        handler: async (envelope, { signal }) => {
          await refuseUnsigned(envelope, signatures);
          await handleUnloadCommand(envelope.value, signal, deps);
        },
      });
      // One group for every replica: one of them records each cancellation, the fence every replica's leases read.
      const cancellations = await startConsumer(bus, service, {
        groupId: "data-exporter.unloader.cancellations",
        topics: ["exportRequested"],
        handler: (event) =>
          handleRequestTopicEvent(event, {
            cancel: (requestId, run, by, at) => jobs.cancel(requestId, run, by, at),
            running,
            log,
          }),
      });
      // Registered after the consumer, so it runs first on shutdown: abort the unload, then stop the consumer.
      resources.defer(() => shutdown.abort(new Error("unloader shutting down")));
      return {
        readiness: {
          kafka: () => bus.producer.isConnected() && consumer.isConnected() && cancellations.isConnected(),
        },
      };
    },
  },
  process.env,
);
