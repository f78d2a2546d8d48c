import { randomUUID } from "node:crypto";
import { deploymentPolicy } from "@data-exporter/classification";
import { configTableNames, openDynamoDbConfigStore } from "@data-exporter/config-store";
import {
  configStoreSpans,
  connectBus,
  createMetrics,
  objectStoreSpans,
  migrateWith,
  openPgPool,
  requestApiMetricDefinitions,
  runService,
  traceCalls,
  withProcessMetrics,
} from "@data-exporter/runtime";
import { confinedPresign, ExportBuckets } from "@data-exporter/export-links";
import { PostgresStatusStore } from "@data-exporter/status-store";
import { AcceptedRequests } from "./adapters/accepted-requests.js";
import { currentConfigVersion } from "./adapters/current-config-version.js";
import { LinkGrants } from "./adapters/link-grants.js";
import { prometheusRequestMeter } from "./adapters/prometheus-request-meter.js";
import { configSchema } from "./config.js";
import { loadRequest } from "./domain/load-request.js";
import { quotaRefusal } from "./domain/quota.js";
import { findReusableExport, recordedObjectsExist } from "./domain/reuse-export.js";
import { forwardedCaller, gatewayOnlyPlugins } from "./auth/gateway-only.js";
import { startGraphQLServer } from "./graphql/server.js";
import { loadStatusPage } from "./web/status-page.js";

await runService(
  {
    name: "request-api",
    configSchema,
    healthPort: () => undefined,
    start: async (service) => {
      const { config, log, resources } = service;
      const poolSize = 10;
      const pool = openPgPool(service, {
        connectionString: config.DATABASE_URL,
        // requestData holds one connection for its window's lock while it records on another.
        max: poolSize,
        applicationName: "request-api",
      });
      // The read model is the status tracker's (it migrates it); request-api only reads it.
      const tracked = new PostgresStatusStore(pool, config.STATUS_SCHEMA);
      // Half the pool at most holds window locks (callers' requests at once); the rest serves their queries and reads.
      const accepted = new AcceptedRequests(pool, config.STATUS_SCHEMA, poolSize / 2);
      const grants = new LinkGrants(pool, config.STATUS_SCHEMA);
      await migrateWith(service, config, pool, async (owner) => {
        await new AcceptedRequests(owner, config.STATUS_SCHEMA).migrate();
        await new LinkGrants(owner, config.STATUS_SCHEMA).migrate();
      });

      const configStore = openDynamoDbConfigStore({
        region: config.AWS_REGION,
        endpoint: config.AWS_ENDPOINT_URL,
        tablePrefix: config.CONFIG_TABLE_PREFIX,
      });
      resources.defer(configStore.close);
      const configVersion = currentConfigVersion(
        traceCalls(
          configStore.store,
          configStoreSpans(config.AWS_REGION, Object.values(configTableNames({ prefix: config.CONFIG_TABLE_PREFIX }))),
        ),
        deploymentPolicy(config.PII_DENY_PATTERNS),
      );
      // Presigning is local; whether a recorded object is still there asks S3.
      const buckets = traceCalls(
        new ExportBuckets({
          region: config.AWS_REGION,
          endpoint: config.AWS_ENDPOINT_URL,
          forcePathStyle: config.S3_FORCE_PATH_STYLE,
          ttlSeconds: config.LINK_TTL_SECONDS,
        }),
        (method, [bucket, ...rest]) =>
          method === "exists" ? objectStoreSpans(String(bucket), config.AWS_REGION)(method, rest) : undefined,
      );
      const load = (requestId: string) =>
        loadRequest(requestId, { tracked: (id) => tracked.get(id), accepted: (id) => accepted.get(id) });

      const bus = await connectBus(config, log, resources, "request-api");
      const health = withProcessMetrics({ readiness: { kafka: () => bus.producer.isConnected() } });
      const server = await startGraphQLServer({
        port: config.PORT,
        host: config.HOST,
        health,
        authentication: gatewayOnlyPlugins(config.GATEWAY_HMAC_SECRET),
        statusPage: await loadStatusPage(),
        deps: {
          publishExportRequested: async (event) =>
            void (await bus.producer.publish("exportRequested", { type: "ExportRequested", value: event })),
          publishCallerEvent: async (event) => void (await bus.producer.publish("exportRequested", event)),
          recordAccepted: (event) => accepted.record(event),
          newRequestId: randomUUID,
          now: Date.now,
          maxWindowSeconds: config.MAX_WINDOW_SECONDS,
          loadRequest: load,
          listRequests: (query) => tracked.list(query),
          ownerOf: async (requestId) => (await accepted.get(requestId))?.requestedBy ?? null,
          callerOf: (context) =>
            forwardedCaller(context, { rolesClaim: config.JWT_ROLES_CLAIM, adminRole: config.ADMIN_ROLE }),
          presign: confinedPresign(
            (bucket, key, versionId, signedAt) => buckets.presign(bucket, key, versionId, signedAt),
            { bucket: config.EXPORT_BUCKET, prefix: `${config.EXPORT_ENV}/` },
            (refused) =>
              log.error({ security: "presign-refused", ...refused }, "no link made: object outside the exports"),
          ),
          latestGrant: (requestId) => grants.latest(requestId),
          grantLinks: (requestId, caller) => grants.grant(requestId, caller, Date.now()),
          findReusable: (window, requestedBy) =>
            findReusableExport(window, requestedBy, {
              candidates: (w, by) => accepted.candidates(w, by),
              loadRequest: load,
              currentConfigVersion: configVersion,
              filesExist: recordedObjectsExist((bucket, key, versionId) => buckets.exists(bucket, key, versionId)),
              unplannedForMs: config.REQUEST_DEADLINE_MS,
              now: Date.now,
            }),
          exclusively: (key, run) => accepted.exclusively(key, run),
          quotaRefusal: (requestedBy) =>
            quotaRefusal(requestedBy, {
              acceptedSince: (by, since) => accepted.since(by, since),
              statusesOf: (requestIds) => tracked.statuses(requestIds),
              limits: { concurrent: config.QUOTA_CONCURRENT_EXPORTS, daily: config.QUOTA_DAILY_EXPORTS },
              deadlineMs: config.REQUEST_DEADLINE_MS,
              now: Date.now,
            }),
          log,
          metrics: prometheusRequestMeter(createMetrics(requestApiMetricDefinitions)),
        },
      });
      resources.defer(() => server.close());
      log.info({ url: server.url }, "GraphQL listening");
      return health;
    },
  },
  process.env,
);
