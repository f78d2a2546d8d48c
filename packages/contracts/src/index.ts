export type {
  ColumnAction,
  ColumnDecision,
  ColumnProjection,
  ColumnTreatment,
  DailyExportTriggered,
  EventMap,
  EventName,
  ExportCancelRequested,
  ExportCompleted,
  ExportedFile,
  ExportMode,
  ExportPlanned,
  ExportRequested,
  ExportRetryRequested,
  ExportStatus,
  InlineSnapshot,
  PlannedTable,
  RowFilter,
  SkippedTable,
  SnapshotColumn,
  SnapshotColumnType,
  SnapshotTable,
  TableOutcome,
  TableStatus,
  TableUnloadCompleted,
  TableUnloadFailed,
  TableUnloadStarted,
  UnloadErrorKind,
  UnloadTableCommand,
} from "./generated/events.js";
export {
  ColumnActionSymbols,
  ColumnTreatmentSymbols,
  ExportModeSymbols,
  ExportStatusSymbols,
  SnapshotColumnTypeSymbols,
  TableStatusSymbols,
  UnloadErrorKindSymbols,
  eventFullNames,
  eventNames,
  previousSchemas,
  schemaFingerprints,
  schemas,
} from "./generated/events.js";
export type { TopicDefinition, TopicKey } from "./topics.js";
export { topics } from "./topics.js";
export type { DecodedEvent, EncodedEvent, EventDecoder, EventRef, PreviousSchema, PreviousSchemas } from "./codec.js";
export { avroType, createDecoder, decodeEvent, encodeEvent, eventNameOf } from "./codec.js";
export { schemaFingerprint } from "./fingerprint.js";
export type { CompatibilityOptions, CompatibilityResult } from "./compatibility.js";
export { checkSchemaCompatibility } from "./compatibility.js";
export type { ContractErrorCode, ContractErrorOptions } from "./errors.js";
export { ContractError, InvalidEventError, UndecodableEventError, contractErrorCodes } from "./errors.js";
export type { EventTopicKey, TableUnloadEvent, TopicEvent, TopicEvents, TypedEvent } from "./topic-events.js";
export { isTopicEvent, messageKey, topicEvents } from "./topic-events.js";
export {
  kafkaClientNames,
  topicAccess,
  topicAcls,
  type ConsumerGroupAccess,
  type KafkaClientName,
  type TopicAccess,
  type TopicAcl,
} from "./topic-access.js";
