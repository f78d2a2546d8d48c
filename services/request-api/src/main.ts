import { randomUUID } from "node:crypto";
import { connectBus, openPgPool, runService, serviceMetrics, withProcessMetrics } from "@data-exporter/runtime";
import { PostgresStatusStore } from "@data-exporter/status-store";
import { AcceptedRequests } from "./adapters/accepted-requests.js";
import { bucketPresigner } from "./adapters/bucket-presigner.js";
import { configSchema } from "./config.js";
import { loadRequest } from "./domain/load-request.js";
import { startGraphQLServer } from "./graphql/server.js";

await runService(
  {
    name: "request-api",
    configSchema,
    healthPort: () => undefined,
    start: async (service) => {
      const { config, log, resources } = service;
      const pool = openPgPool(service, {
        connectionString: config.DATABASE_URL,
        max: 5,
        applicationName: "request-api",
      });
      // The read model is the status tracker's (it migrates it); request-api only reads it.
      const tracked = new PostgresStatusStore(pool, config.STATUS_SCHEMA);
      const accepted = new AcceptedRequests(pool, config.STATUS_SCHEMA);
      await accepted.migrate();

      const bus = await connectBus(config, log, resources, "request-api");
      const health = withProcessMetrics({ readiness: { kafka: () => bus.producer.isConnected() } });
      const server = await startGraphQLServer({
        port: config.PORT,
        host: config.HOST,
        health,
        deps: {
          publishExportRequested: async (event) =>
            void (await bus.producer.publish("exportRequested", { type: "ExportRequested", value: event })),
          recordAccepted: (event) => accepted.record(event),
          newRequestId: randomUUID,
          now: Date.now,
          maxWindowSeconds: config.MAX_WINDOW_SECONDS,
          loadRequest: (requestId) =>
            loadRequest(requestId, {
              tracked: (id) => tracked.get(id),
              accepted: (id) => accepted.get(id),
            }),
          presign: bucketPresigner({
            region: config.AWS_REGION,
            endpoint: config.AWS_ENDPOINT_URL,
            forcePathStyle: config.S3_FORCE_PATH_STYLE,
            ttlSeconds: config.LINK_TTL_SECONDS,
          }),
          log,
          metrics: serviceMetrics,
        },
      });
      resources.defer(() => server.close());
      log.info({ url: server.url }, "GraphQL listening");
      return health;
    },
  },
  process.env,
);
