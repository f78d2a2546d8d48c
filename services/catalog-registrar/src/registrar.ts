import { GlueClient } from "@aws-sdk/client-glue";
import { S3ObjectStore } from "@data-exporter/object-store";
import type { PgPool } from "@data-exporter/postgres";
import type { AsyncResourceStack, Logger } from "@data-exporter/runtime";
import { GlueCatalog } from "./adapters/glue-catalog.js";
import { readManifest } from "./adapters/manifest-reader.js";
import { RegistrationLog } from "./adapters/registration-log.js";
import type { Config } from "./config.js";
import { defaultDatabaseName } from "./domain/catalog-layout.js";
import type { RegistrarDeps } from "./handlers/register-export.js";

/**
 * The registrar's adapters, for both entry points (the consumer in main.ts and the operator's re-run in
 * reregister.ts): Glue, the export bucket's manifests, the registration log. Clients are closed with `resources`.
 */
export function buildRegistrar(
  config: Config,
  pool: PgPool,
  log: Logger,
  resources: AsyncResourceStack,
): RegistrarDeps & { readonly registrations: RegistrationLog } {
  const endpoint = config.GLUE_ENDPOINT_URL ?? config.AWS_ENDPOINT_URL;
  const glue = new GlueClient({ region: config.AWS_REGION, ...(endpoint === undefined ? {} : { endpoint }) });
  resources.defer(() => glue.destroy());
  const stores = new Map<string, S3ObjectStore>();
  const storeOf = (bucket: string): S3ObjectStore => {
    let store = stores.get(bucket);
    if (store === undefined) {
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
  storeOf(config.EXPORT_BUCKET);
  return {
    database: config.GLUE_DATABASE ?? defaultDatabaseName(config.EXPORT_ENV),
    onDemand: config.REGISTER_ON_DEMAND,
    catalog: new GlueCatalog(glue, config.GLUE_CATALOG_ID),
    readManifest: (bucket, key) => readManifest(storeOf(bucket), key),
    registrations: new RegistrationLog(pool, config.STATUS_SCHEMA),
    log,
  };
}
