import { S3ObjectStore } from "@data-exporter/object-store";
import type { Presign } from "../domain/status-view.js";

export interface PresignerConfig {
  readonly region: string;
  readonly endpoint: string | undefined;
  readonly forcePathStyle: boolean;
  /** Lifetime of each link. */
  readonly ttlSeconds: number;
}

/**
 * Presigns GETs in whichever bucket an export names (each export records its own bucket), with one S3 client per
 * bucket, made on first use.
 */
export function bucketPresigner(config: PresignerConfig): Presign {
  const stores = new Map<string, S3ObjectStore>();
  return (bucket, key, versionId) => {
    let store = stores.get(bucket);
    if (!store) {
      store = S3ObjectStore.fromConfig({
        bucket,
        region: config.region,
        endpoint: config.endpoint,
        forcePathStyle: config.forcePathStyle,
      });
      stores.set(bucket, store);
    }
    return store.presignGet(key, config.ttlSeconds, versionId);
  };
}
