export { ExportBuckets, type ExportBucketsConfig } from "./export-buckets.js";
export {
  confinedPresign,
  presignRefusal,
  type ExportScope,
  type Presign,
  type PresignRefused,
} from "./presign-scope.js";
