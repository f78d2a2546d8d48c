export { mulberry32 } from "./random.js";
export { DemoDataError, DemoParamsInvalidError, demoDataErrorCodes, type DemoDataErrorCode } from "./errors.js";
export {
  canonicalParams,
  defaultDemoSchema,
  defaultSeedParams,
  demoScales,
  validateSeedParams,
  type SeedParams,
} from "./seed-params.js";
export {
  demoMetrics,
  demoSources,
  demoTables,
  roadClasses,
  type DemoColumn,
  type DemoTable,
  type DemoTableName,
} from "./warehouse/demo-tables.js";
export { auditLogRows, cctvCount } from "./warehouse/generate-sql.js";
export {
  compressedFeatureColumn,
  compressedWayFeature,
  detailedWayFeature,
  hasDetailedFeature,
} from "./warehouse/compressed-features.js";
export {
  demoTimeZone,
  generatorVersion,
  seedWarehouse,
  type PgPoolLike,
  type SeedResult,
  type SeedWarehouseOptions,
} from "./warehouse/seed-warehouse.js";
export {
  demoClassification,
  demoClassificationFor,
  intentionallyUnclassifiedColumns,
  intentionallyUnclassifiedMetrics,
  intentionallyUnclassifiedSources,
  type DemoClassification,
} from "./classification/demo-classification.js";
export { seedDemoConfig, type SeedDemoConfigOptions } from "./classification/seed-demo-config.js";
