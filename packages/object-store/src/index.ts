export {
  ObjectStoreError,
  isObjectStoreError,
  objectStoreErrorCodes,
  type ObjectStoreErrorCode,
  type ObjectStoreErrorOptions,
} from "./errors.js";
export type {
  BucketVersioning,
  FilePutResult,
  ObjectInfo,
  ObjectStore,
  PutResult,
  TransferOptions,
} from "./object-store.js";
export { createS3Client, type S3ObjectStoreConfig } from "./s3/s3-config.js";
export { S3ObjectStore, type S3ObjectStoreOptions } from "./s3/s3-object-store.js";
export { toObjectStoreError } from "./s3/s3-errors.js";
