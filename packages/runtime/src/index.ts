export {
  loadConfig,
  env,
  commonEnvSchema,
  kafkaEnv,
  kafkaSecurityEnv,
  consumerEnv,
  stateDatabaseEnv,
  awsEnv,
  classificationEnv,
  exportBucketEnv,
  commandSigningEnv,
  exportEnvEnv,
  stuckAfterEnv,
  deadlineEnv,
  warehouseEnv,
  warehouseProblems,
  type Env,
} from "./config.js";
export { kafkaSecurityOf, kafkaSecurityProblems, type KafkaSecurityVars } from "./kafka-security-config.js";
export { RuntimeError, ConfigError, runtimeErrorCodes, type RuntimeErrorCode } from "./errors.js";
export { createLogger, type Logger } from "./logger.js";
export { AsyncResourceStack } from "./disposable-stack.js";
export {
  startHealthServer,
  handleHealthRequest,
  type HealthServer,
  type HealthRoutes,
  type MetricsSource,
  type ReadinessCheck,
} from "./health-server.js";
export { runService, withProcessMetrics, type ServiceContext, type ServiceDefinition } from "./service.js";
export {
  metricCatalog,
  catalogDefinitions,
  runtimeMetricDefinitions,
  requestApiMetricDefinitions,
  unloaderMetricDefinitions,
  statusTrackerMetricDefinitions,
  sharingServerMetricDefinitions,
  catalogRegistrarMetricDefinitions,
  seriesNames,
  type MetricDefinition,
  type CounterDefinition,
  type GaugeDefinition,
  type HistogramDefinition,
} from "./metric-catalog.js";
export {
  processRegistry,
  createMetrics,
  collectProcessMetrics,
  type CreateMetricsOptions,
  type MetricOf,
  type MetricsOf,
} from "./metric-registry.js";
export { waitFor } from "./wait-for.js";
export {
  connectBus,
  startConsumer,
  startRetrying,
  type Bus,
  type BusConfig,
  type ConsumerConfig,
} from "./bus-wiring.js";
export { migrateWith, openPgPool, type PgPoolOptions } from "./pg-pool.js";
export { startPeriodic } from "./periodic.js";
export {
  loadTracingConfig,
  traceExportOf,
  tracingEnvSchema,
  type TraceExport,
  type TracingConfig,
} from "./tracing-config.js";
export { startTracing, type Tracing } from "./tracing.js";
export {
  activeSpan,
  currentTraceparent,
  withSpan,
  withTraceparent,
  type SpanAttributes,
  type SpanHandle,
  type SpanKindName,
  type SpanOptions,
} from "./spans.js";
export { traceCalls, type CallSpan, type DescribeCall } from "./traced-calls.js";
export { configStoreSpans, objectStoreSpans, snsPublishSpan, warehouseSpans } from "./port-spans.js";
