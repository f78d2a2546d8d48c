import { randomUUID } from "node:crypto";
import pg from "pg";
import { S3ObjectStore } from "@data-exporter/object-store";
import { connectBus, runService, serviceMetrics, withProcessMetrics } from "@data-exporter/runtime";
import { PostgresStatusStore } from "@data-exporter/status-store";
import { configSchema } from "./config.js";
import { startGraphQLServer } from "./graphql/server.js";

await runService(
  {
    name: "request-api",
    configSchema,
    healthPort: () => undefined,
    start: async ({ config, log, resources }) => {
      const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 5 });
      // An idle connection dropped by the server must not crash the process; the next query reconnects.
      pool.on("error", (error) => log.warn({ error: error.message }, "idle database connection failed"));
      resources.defer(() => pool.end());
      const statusStore = new PostgresStatusStore(pool, config.STATUS_SCHEMA);
      await statusStore.migrate();

      const bus = await connectBus(config, log, resources, "request-api");
      const stores = new Map<string, S3ObjectStore>();
      const storeFor = (bucket: string): S3ObjectStore => {
        let store = stores.get(bucket);
        if (!store) {
          store = S3ObjectStore.fromConfig({
            bucket,
            region: config.AWS_REGION,
            endpoint: config.AWS_ENDPOINT_URL,
            forcePathStyle: config.S3_FORCE_PATH_STYLE,
          });
          stores.set(bucket, store);
        }
        return store;
      };

      const health = withProcessMetrics({ readiness: { kafka: () => bus.producer.isConnected() } });
      const server = await startGraphQLServer({
        port: config.PORT,
        host: config.HOST,
        health,
        deps: {
          publishExportRequested: async (event) => {
            await bus.producer.publish("exportRequested", { type: "ExportRequested", value: event });
            serviceMetrics.add("export_requests_total");
            log.info(
              { requestId: event.requestId, windowStart: event.windowStart, windowEnd: event.windowEnd },
              "export requested",
            );
          },
          recordRequested: (state) => statusStore.recordRequested(state),
          onRecordFailed: (error, requestId) =>
            log.warn({ err: error, requestId }, "could not record the request early; the status tracker will"),
          newRequestId: randomUUID,
          now: Date.now,
          maxWindowSeconds: config.MAX_WINDOW_SECONDS,
          loadRequest: (requestId) => statusStore.get(requestId),
          presign: (bucket, key) => storeFor(bucket).presignGet(key, config.LINK_TTL_SECONDS),
          onInternalError: (error, operation) => {
            serviceMetrics.add(`internal_errors_total.${operation}`);
            log.error({ err: error, operation }, "request failed");
          },
        },
      });
      resources.defer(() => server.close());
      log.info({ url: server.url }, "GraphQL listening");
      return health;
    },
  },
  process.env,
);
