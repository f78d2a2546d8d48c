import { S3ObjectStore } from "@data-exporter/object-store";

export interface ExportBucketsConfig {
  readonly region: string;
  readonly endpoint: string | undefined;
  readonly forcePathStyle: boolean;
  /** Lifetime of each link. */
  readonly ttlSeconds: number;
}

/**
 * The buckets exports wrote to (each export records its own), with one S3 client per bucket, made on first use:
 * presigned links, whether a recorded object version is still there, and small objects' text.
 */
export class ExportBuckets {
  readonly #stores = new Map<string, S3ObjectStore>();

  constructor(private readonly config: ExportBucketsConfig) {}

  /**
   * A link signed at `signedAt`, and when it really expires: `ttlSeconds` later, or earlier when the signing
   * credentials are temporary and expire first (then the caller is told the true time).
   */
  async presign(
    bucket: string,
    key: string,
    versionId: string | null,
    signedAt: number,
  ): Promise<{ url: string; expiresAt: number }> {
    const store = this.#store(bucket);
    const url = await store.presignGet(key, this.config.ttlSeconds, versionId, new Date(signedAt));
    const credentialsExpireAt = await store.credentialsExpireAt();
    const expiresAt = signedAt + this.config.ttlSeconds * 1000;
    return { url, expiresAt: credentialsExpireAt === undefined ? expiresAt : Math.min(expiresAt, credentialsExpireAt) };
  }

  /** An object without a recorded version cannot be told from a later export's: it does not count as there. */
  async exists(bucket: string, key: string, versionId: string | null): Promise<boolean> {
    return versionId !== null && (await this.#store(bucket).exists(key, versionId));
  }

  /** A small object's text (a manifest): of the version given, or the current one. */
  async text(bucket: string, key: string, versionId: string | null = null): Promise<string> {
    return this.#store(bucket).getText(key, versionId);
  }

  #store(bucket: string): S3ObjectStore {
    let store = this.#stores.get(bucket);
    if (!store) {
      store = S3ObjectStore.fromConfig({
        bucket,
        region: this.config.region,
        endpoint: this.config.endpoint,
        forcePathStyle: this.config.forcePathStyle,
      });
      this.#stores.set(bucket, store);
    }
    return store;
  }
}
