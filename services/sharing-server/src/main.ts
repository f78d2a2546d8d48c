import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { confinedPresign, ExportBuckets } from "@data-exporter/export-links";
import {
  createMetrics,
  handleHealthRequest,
  migrateWith,
  openPgPool,
  runService,
  sharingServerMetricDefinitions,
  withProcessMetrics,
} from "@data-exporter/runtime";
import { manifestColumns } from "./adapters/manifest-columns.js";
import { ReadModelCatalog } from "./adapters/read-model-catalog.js";
import { SharingAudit } from "./adapters/sharing-audit.js";
import { watchedSharingConfig } from "./adapters/sharing-config-file.js";
import { configSchema } from "./config.js";
import { sharingHandler } from "./http/sharing-http.js";
import { SharingService } from "./sharing-service.js";

await runService(
  {
    name: "sharing-server",
    configSchema,
    healthPort: () => undefined,
    start: async (service) => {
      const { config, log, resources } = service;
      const sharing = watchedSharingConfig(config.SHARING_CONFIG_FILE, log);
      const pool = openPgPool(service, {
        connectionString: config.DATABASE_URL,
        max: 5,
        applicationName: "sharing-server",
      });
      const audit = new SharingAudit(pool, config.STATUS_SCHEMA);
      await migrateWith(service, config, pool, (owner) => new SharingAudit(owner, config.STATUS_SCHEMA).migrate());
      const buckets = new ExportBuckets({
        region: config.AWS_REGION,
        endpoint: config.AWS_ENDPOINT_URL,
        forcePathStyle: config.S3_FORCE_PATH_STYLE,
        ttlSeconds: config.SHARING_LINK_TTL_SECONDS,
      });
      const sharingService = new SharingService({
        config: sharing,
        catalog: new ReadModelCatalog(pool, config.STATUS_SCHEMA),
        columnsOf: manifestColumns((bucket, key, versionId) => buckets.text(bucket, key, versionId)),
        presign: confinedPresign(
          (bucket, key, versionId, signedAt) => buckets.presign(bucket, key, versionId, signedAt),
          { bucket: config.EXPORT_BUCKET, prefix: `${config.EXPORT_ENV}/` },
          (refused) =>
            log.error({ security: "presign-refused", ...refused }, "no link made: object outside the exports"),
        ),
        audit: (files) => audit.record(files),
        now: Date.now,
        maxPage: config.SHARING_MAX_PAGE,
      });
      const metrics = createMetrics(sharingServerMetricDefinitions);
      const handle = sharingHandler({
        meter: {
          request: (api, status) => metrics.sharingRequests.inc({ api, status: String(status) }),
          filesServed: (recipient, share, files) => metrics.sharingFilesServed.inc({ recipient, share }, files),
        },
        prefix: config.SHARING_PATH_PREFIX,
        service: sharingService,
        recipients: () => sharing().recipients,
        now: Date.now,
        log,
      });
      const health = withProcessMetrics({ readiness: {} });
      const server = createServer((req, res) => {
        if (handleHealthRequest(req, res, health)) return;
        if (handle(req, res)) return;
        res
          .writeHead(404, { "content-type": "application/json" })
          .end(JSON.stringify({ errorCode: "RESOURCE_DOES_NOT_EXIST", message: "not found" }));
      });
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.PORT, config.HOST, () => resolve());
      });
      resources.defer(() => new Promise<void>((resolve) => server.close(() => resolve())));
      const { port } = server.address() as AddressInfo;
      log.info({ url: `http://${config.HOST}:${port}${config.SHARING_PATH_PREFIX}` }, "Delta Sharing listening");
      return health;
    },
  },
  process.env,
);
