export {
  type ExportRequestState,
  type RequestStatus,
  type TableJob,
  type TableJobStatus,
  type ExportedFileView,
  progressOf,
  isFinished,
  isTerminalJob,
  exportStatusOf,
} from "./model.js";
export {
  applyLifecycleEvent,
  completionEventOf,
  requestedState,
  type LifecycleEvent,
  type Transition,
} from "./transitions.js";
export { PostgresStatusStore, type PgPool, type PgClient } from "./postgres-status-store.js";
export { isSchemaName, migrateSchema } from "./migrate.js";
export {
  StatusStoreError,
  isRetryablePostgresError,
  statusStoreErrorCodes,
  type StatusStoreErrorCode,
} from "./errors.js";
