/**
 * The test harness: what the end-to-end scenarios (test/e2e) use to provision an isolated deployment on the local
 * test stack, boot the real services, drive them through GraphQL and the trigger, and observe Kafka, S3, SNS and
 * PostgreSQL. The developer commands (dev/commands) build on the same modules.
 */
export { type CampaignResult, type CampaignSetup, prepareWarehouse, runCampaign } from "./chaos/runner.js";
export { allFaults, defaultReplicas, defaultTiming, defaultTunables, processFaults } from "./chaos/settings.js";
export { describePlan, planCampaign, planRun, type PlanOptions, type RunPlan } from "./chaos/plan.js";
export { formatRun, formatTotals, type RunResult } from "./chaos/report.js";
export { launchChromium } from "./browser.js";
export {
  canonicalValue,
  classifiedColumns,
  classifiedRows,
  classifiedTables,
  rowKey,
  type ClassifiedTable,
} from "./classified-rows.js";
export {
  DeltaSharingClientError,
  ensureDeltaSharingClient,
  listAllSharedTables,
  loadSharedTable,
  type LoadedTable,
  type SharedTableName,
} from "./delta-sharing-client.js";
export { awsClientConfig, startDeployment, uniqueNames, type TestDeployment } from "./deployment.js";
export { EventRecorder } from "./event-recorder.js";
export { crash, startExtraService } from "./extra-service.js";
export { freePort } from "./free-port.js";
export {
  composeSupergraph,
  startDeploymentGateway,
  startGateway,
  type DeploymentGateway,
  type Subgraph,
} from "./gateway.js";
export { devIssuer, gatewayExtensions, operatorIdentity, type DevIssuer, type Identity } from "./auth.js";
export {
  actAsGateway,
  graphql,
  requestData,
  requestStatus,
  useBearerToken,
  waitForExport,
  type GraphQLResponse,
  type RequestStatusResult,
} from "./graphql/client.js";
export { NotificationInbox, type ReceivedNotification } from "./notifications.js";
export { startOtlpReceiver, type ReceivedSpan } from "./otlp-receiver.js";
export { readParquet, type ParquetFile } from "./parquet.js";
export {
  ExpositionError,
  MetricsScrape,
  parsePrometheusText,
  scrapeMetrics,
  type MetricFamily,
  type MetricType,
  type Sample,
} from "./prometheus-text.js";
export {
  defaultDeployment,
  firstDemoDay,
  provisionDeployment,
  stackFromEnv,
  type DeploymentNames,
  type ProvisionedDeployment,
  warehouseKinds,
  type WarehouseKind,
} from "./provision.js";
export { redshiftHistory, unloadsIn, type HistoryStatement } from "./redshift-history.js";
export {
  serviceNames,
  sharingServiceName,
  spawnEntryPoint,
  spawnService,
  waitUntilReady,
  type RunningService,
  type ServiceName,
} from "./services.js";
export {
  defineView,
  exportOnlySlowViews,
  waitForViewQuery,
  type SlowViewsOptions,
  type ViewBehaviour,
} from "./slow-views.js";
export {
  committedOffsets,
  kafkaFromEnv,
  readRawTopic,
  readTopic,
  type RawRecord,
  topicEnds,
  topicEventCount,
  waitForGroupToCatchUp,
} from "./topics.js";
export { runRebuild, type RebuildOutput, type RebuildRun } from "./rebuild.js";
export { runTrigger, type TriggeredExport, type TriggerOptions, type TriggerRun } from "./trigger.js";
export { backendAlive, unloadSlotHolders } from "./unload-slots.js";
export {
  localPassword,
  prepareSecuredTopics,
  securedClientEnv,
  securedKafka,
  securedListener,
  securityOf,
} from "./secured-kafka.js";
