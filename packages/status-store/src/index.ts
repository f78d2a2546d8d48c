export {
  type ExportRequestState,
  type RequestStatus,
  type TableJob,
  type TableJobStatus,
  type ExportedFileView,
  progressOf,
  finishedStatusOf,
  isFinished,
  retryableTables,
  isTerminalJob,
  exportStatusOf,
} from "./model.js";
export {
  applyLifecycleEvent,
  applyRequested,
  completionEventOf,
  requestedState,
  type LifecycleEvent,
  type Transition,
} from "./transitions.js";
export { PostgresStatusStore, type RequestListQuery } from "./postgres/postgres-status-store.js";
export { StatusStoreError, statusStoreErrorCodes, type StatusStoreErrorCode } from "./errors.js";
