export type { ExportConfigContent, ExportConfigSnapshot, ExportConfigStore } from "./export-config-store.js";
export {
  ConfigItemInvalidError,
  ConfigStoreError,
  configStoreErrorCodes,
  describeIssue,
  type ConfigItemIssue,
  type ConfigStoreErrorCode,
  type ConfigStoreErrorOptions,
} from "./errors.js";
export {
  configTableKeys,
  configTableNames,
  defaultConfigTableNames,
  type ConfigTableKey,
  type ConfigTableNames,
  type ConfigTableNamesOptions,
} from "./dynamodb/config-tables.js";
export {
  DynamoDbConfigStore,
  type DynamoDbConfigStoreOptions,
  type DynamoDbSender,
} from "./dynamodb/dynamodb-config-store.js";
export { openDynamoDbConfigStore, type OpenConfigStoreOptions } from "./dynamodb/open-config-store.js";
export { createConfigTables, type CreateConfigTablesOptions } from "./dynamodb/create-config-tables.js";
export { writeConfig, type WriteConfigOptions } from "./dynamodb/write-config.js";
export { isRetryableDynamoDbError } from "./dynamodb/dynamodb-errors.js";
export type { UnknownAttributePolicy } from "./dynamodb/item-reader.js";
