import {
  catalogRegistrarMetricDefinitions,
  connectBus,
  createMetrics,
  migrateWith,
  openPgPool,
  runService,
  startConsumer,
} from "@data-exporter/runtime";
import { RegistrationLog } from "./adapters/registration-log.js";
import { configSchema } from "./config.js";
import { handleExportCompleted } from "./handlers/register-export.js";
import { buildRegistrar } from "./registrar.js";

await runService(
  {
    name: "catalog-registrar",
    configSchema,
    start: async (service) => {
      const { config, log, resources } = service;
      const pool = openPgPool(service, {
        connectionString: config.DATABASE_URL,
        max: 2,
        applicationName: "catalog-registrar",
      });
      await migrateWith(service, config, pool, (owner) => new RegistrationLog(owner, config.STATUS_SCHEMA).migrate());
      const metrics = createMetrics(catalogRegistrarMetricDefinitions);
      const deps = {
        ...buildRegistrar(config, pool, log, resources),
        counted: (status: string) => metrics.registrations.inc({ status }),
      };
      log.info({ database: deps.database, onDemand: deps.onDemand }, "registering exports in the Glue Data Catalog");

      const bus = await connectBus(config, log, resources, "catalog-registrar");
      const consumer = await startConsumer(bus, service, {
        // Its own group: registration runs beside the notifier's, and its failures never hold the export back.
        groupId: "data-exporter.catalog-registrar",
        topics: ["exportCompleted"],
        handler: async ({ value }) => void (await handleExportCompleted(value, deps)),
      });
      return { readiness: { kafka: () => bus.producer.isConnected() && consumer.isConnected() } };
    },
  },
  process.env,
);
