import { S3Client } from "@aws-sdk/client-s3";

export interface S3ObjectStoreConfig {
  readonly bucket: string;
  /** Defaults to the SDK chain (AWS_REGION, profile, ...). */
  readonly region?: string | undefined;
  /** Custom endpoint (local emulator); defaults to the SDK chain (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS). */
  readonly endpoint?: string | undefined;
  /** `http://host/bucket/key` instead of `http://bucket.host/key`: needed for emulators on localhost. */
  readonly forcePathStyle?: boolean | undefined;
  /** Multipart part size in bytes (minimum 5 MiB); files above it are uploaded in parts. */
  readonly partSizeBytes?: number | undefined;
  /** Parts uploaded in parallel per file. */
  readonly uploadConcurrency?: number | undefined;
  /** Longest wait for a connection to S3 (default 5 s). */
  readonly connectTimeoutMs?: number | undefined;
  /** Longest wait for a response, per request or part upload (default 60 s); the SDK's retries follow. */
  readonly requestTimeoutMs?: number | undefined;
}

/** Builds an S3 client: credentials always come from the SDK's default provider chain. */
export function createS3Client(
  config: Omit<S3ObjectStoreConfig, "bucket" | "partSizeBytes" | "uploadConcurrency">,
): S3Client {
  return new S3Client({
    ...(config.region === undefined ? {} : { region: config.region }),
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    forcePathStyle: config.forcePathStyle ?? false,
    // A stuck socket must not hold an unload forever: every call has a connect and a response deadline.
    requestHandler: {
      connectionTimeout: config.connectTimeoutMs ?? 5_000,
      requestTimeout: config.requestTimeoutMs ?? 60_000,
    },
  });
}
