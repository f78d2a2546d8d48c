import { deploymentPolicy } from "@data-exporter/classification";
import { messageSigner, secretsManagerKeyring } from "@data-exporter/command-signing";
import { configTableNames, openDynamoDbConfigStore } from "@data-exporter/config-store";
import {
  configStoreSpans,
  connectBus,
  currentTraceparent,
  migrateWith,
  openPgPool,
  runService,
  startConsumer,
  startPeriodic,
  traceCalls,
  warehouseSpans,
  withTraceparent,
} from "@data-exporter/runtime";
import {
  createDataApiClient,
  DataApiRunner,
  PostgresCatalog,
  RedshiftCatalog,
  redshiftTargetOf,
  type WarehouseCatalog,
} from "@data-exporter/warehouse";
import { OutboxRelay } from "./adapters/outbox-relay.js";
import { PlannerState } from "./adapters/planner-state.js";
import { configSchema } from "./config.js";
import {
  handleDailyExportTriggered,
  handleRequestTopicEvent,
  type PlannerEventDeps,
} from "./handlers/handle-planner-events.js";

await runService(
  {
    name: "planner",
    configSchema,
    start: async (service) => {
      const { config, log, resources } = service;
      let catalog: WarehouseCatalog;
      if (config.WAREHOUSE === "redshift") {
        const client = createDataApiClient(config);
        resources.defer(() => client.destroy());
        catalog = traceCalls(
          new RedshiftCatalog(new DataApiRunner(client, redshiftTargetOf(config))),
          warehouseSpans("redshift"),
        );
      } else {
        const warehousePool = openPgPool(service, {
          connectionString: config.WAREHOUSE_URL ?? "",
          max: 2,
          applicationName: "planner.catalog",
        });
        catalog = traceCalls(new PostgresCatalog(warehousePool), warehouseSpans("postgresql"));
      }
      const statePool = openPgPool(service, {
        connectionString: config.DATABASE_URL,
        max: 2,
        applicationName: "planner",
      });
      const state = new PlannerState(statePool, config.STATUS_SCHEMA, { traceparent: currentTraceparent });
      await migrateWith(service, config, statePool, (owner) =>
        new PlannerState(owner, config.STATUS_SCHEMA, { traceparent: currentTraceparent }).migrate(),
      );
      const { store: configStore, close: closeConfigStore } = openDynamoDbConfigStore({
        region: config.AWS_REGION,
        endpoint: config.AWS_ENDPOINT_URL,
        tablePrefix: config.CONFIG_TABLE_PREFIX,
      });
      resources.defer(closeConfigStore);
      const tracedConfigStore = traceCalls(
        configStore,
        configStoreSpans(config.AWS_REGION, Object.values(configTableNames({ prefix: config.CONFIG_TABLE_PREFIX }))),
      );

      // Unload commands are signed: the unloader refuses any other (a forged command cannot export a restricted column).
      const signing = secretsManagerKeyring(
        {
          region: config.AWS_REGION,
          endpoint: config.AWS_ENDPOINT_URL,
          secretId: config.COMMAND_SIGNING_SECRET_ID,
          refreshMs: config.COMMAND_SIGNING_KEY_REFRESH_MS,
        },
        {
          onRotated: (keys) =>
            log.info({ keyVersion: keys.current.versionId }, "unload commands are signed with this key version"),
          onReloadError: (error) =>
            log.warn({ err: error }, "cannot read the signing secret; signing with the held key"),
        },
      );
      resources.defer(signing.destroy);
      const signingKeys = signing.keyring;
      // A missing or unusable secret stops start-up with its reason, rather than the first plan.
      await signingKeys.current();
      const signCommand = messageSigner(signingKeys);

      const bus = await connectBus(config, log, resources, "planner");
      const relay = new OutboxRelay({
        unpublished: (limit) => state.unpublished(limit),
        markPublished: (ids) => state.markPublished(ids),
        publish: (topic, event, traceparent) =>
          withTraceparent(
            traceparent,
            async () =>
              void (await bus.producer.publish(topic, event, topic === "unloadCommands" ? { sign: signCommand } : {})),
          ),
        exclusively: (run) => state.exclusively(run),
      });
      // Re-read on a timer, not only when publishing: a rotation shows in the log (and commands never wait for the
      // secret store) even when nothing is being planned.
      startPeriodic(service, {
        name: "signing key refresh",
        intervalMs: config.COMMAND_SIGNING_KEY_REFRESH_MS,
        run: async () => void (await signingKeys.current()),
      });
      // Catches what a crash left queued, and what another replica queued while this one held the relay lock.
      await relay.kick();
      startPeriodic(service, { name: "outbox relay", intervalMs: 1_000, run: () => relay.kick() });
      const deps: PlannerEventDeps = {
        loadConfig: () => tracedConfigStore.load(),
        describeTable: (schema, table) => catalog.describeTable(schema, table),
        store: state,
        relay: () => relay.kick(),
        policy: deploymentPolicy(config.PII_DENY_PATTERNS),
        bucket: config.EXPORT_BUCKET,
        envName: config.EXPORT_ENV,
        now: Date.now,
        deadlineMs: config.REQUEST_DEADLINE_MS,
        log,
      };

      const onDemand = await startConsumer(bus, service, {
        // Namespaced like the topics: deployments sharing a broker must not share a group (it would mix their topics).
        groupId: "data-exporter.planner",
        topics: ["exportRequested"],
        handler: (event) => handleRequestTopicEvent(event, deps),
      });
      // A group of its own: a scheduled export never waits behind on-demand requests, nor they behind it.
      const scheduled = await startConsumer(bus, service, {
        groupId: "data-exporter.planner.scheduled",
        topics: ["dailyExportTriggered"],
        handler: ({ value }) => handleDailyExportTriggered(value, deps),
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
