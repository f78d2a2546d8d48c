/**
 * Every metric the services export, in one place: the dashboard and alert rules in infra/observability are checked
 * against this list. Names follow Prometheus conventions: the `data_exporter_` prefix, base units in the name
 * (`_seconds`, `_bytes`), `_total` on counters. Node's process metrics (`collectDefaultMetrics`) come on top.
 */

export interface CounterDefinition<L extends string = string> {
  readonly type: "counter";
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
}

export interface GaugeDefinition<L extends string = string> {
  readonly type: "gauge";
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
}

export interface HistogramDefinition<L extends string = string> {
  readonly type: "histogram";
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly buckets: readonly number[];
}

export type MetricDefinition = CounterDefinition | GaugeDefinition | HistogramDefinition;

/** Tables take from seconds (a small day) to an hour (a big one on Redshift). */
const unloadSecondsBuckets = [1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];
/** Handlers are mostly milliseconds; the unloader's run a whole table. */
const handlerSecondsBuckets = [0.005, 0.025, 0.1, 0.5, 1, 5, 30, 120, 600, 1800];

/** What the service runtime measures in every process that consumes events. */
export const runtimeMetricDefinitions = {
  eventsHandled: {
    type: "counter",
    name: "data_exporter_events_handled_total",
    help: "Events a consumer group's handler finished without error.",
    labelNames: ["group", "event_type"],
  },
  handlerFailures: {
    type: "counter",
    name: "data_exporter_handler_failures_total",
    help: "Handler attempts that threw (each is retried or dead-lettered).",
    labelNames: ["group", "event_type"],
  },
  handlerRetries: {
    type: "counter",
    name: "data_exporter_handler_retries_total",
    help: "Handler attempts that failed with a retryable error and are tried again after a backoff.",
    labelNames: ["group", "topic"],
  },
  handlerDuration: {
    type: "histogram",
    name: "data_exporter_handler_duration_seconds",
    help: "Time one handler attempt took.",
    labelNames: ["group", "event_type"],
    buckets: handlerSecondsBuckets,
  },
  handlersInFlight: {
    type: "gauge",
    name: "data_exporter_handlers_in_flight",
    help: "Handler attempts running now.",
    labelNames: [],
  },
  deadLetters: {
    type: "counter",
    name: "data_exporter_dead_letters_total",
    help: "Messages this process sent to the dead-letter topic (kind: undecodable, handler-failed, ...).",
    labelNames: ["group", "topic", "kind"],
  },
  consumerLag: {
    type: "gauge",
    name: "data_exporter_consumer_lag_messages",
    help: "Messages of a partition the consumer group has not committed yet, measured in the background.",
    labelNames: ["group", "topic", "partition"],
  },
} as const satisfies Record<string, MetricDefinition>;

/** request-api: what callers asked for and what failed inside. */
export const requestApiMetricDefinitions = {
  graphqlOperations: {
    type: "counter",
    name: "data_exporter_graphql_operations_total",
    help: "GraphQL operations answered, by operation and result (ok, user_error, internal_error).",
    labelNames: ["operation", "result"],
  },
  exportRequests: {
    type: "counter",
    name: "data_exporter_export_requests_total",
    help: "requestData calls by outcome: accepted (a new export), reused (an earlier one), rate_limited (quota).",
    labelNames: ["outcome"],
  },
} as const satisfies Record<string, MetricDefinition>;

/** unloader: tables unloaded, what they carried, and the deployment-wide unload slots. */
export const unloaderMetricDefinitions = {
  tableUnloadDuration: {
    type: "histogram",
    name: "data_exporter_table_unload_duration_seconds",
    help: "Time from an unload command's start to its outcome (completed, failed, cancelled, superseded).",
    labelNames: ["outcome"],
    buckets: unloadSecondsBuckets,
  },
  rows: {
    type: "counter",
    name: "data_exporter_rows_total",
    help: "Rows written to the export bucket by completed table unloads.",
    labelNames: [],
  },
  bytes: {
    type: "counter",
    name: "data_exporter_bytes_total",
    help: "Bytes of Parquet written to the export bucket by completed table unloads.",
    labelNames: [],
  },
  unloadsInFlight: {
    type: "gauge",
    name: "data_exporter_unloads_in_flight",
    help: "Unload commands this replica is running (waiting for a slot included).",
    labelNames: [],
  },
  unloadsWaitingForSlot: {
    type: "gauge",
    name: "data_exporter_unloads_waiting_for_slot",
    help: "Unload commands of this replica waiting for a deployment-wide unload slot.",
    labelNames: [],
  },
  unloadSlotsHeld: {
    type: "gauge",
    name: "data_exporter_unload_slots_held",
    help: "Deployment-wide unload slots this replica holds.",
    labelNames: [],
  },
  unloadSlotLimit: {
    type: "gauge",
    name: "data_exporter_unload_slot_limit",
    help: "Deployment-wide unload slots (MAX_CONCURRENCY_LIMIT).",
    labelNames: [],
  },
  commandsRefused: {
    type: "counter",
    name: "data_exporter_unload_commands_refused_total",
    help: "Unload commands refused because the planner did not sign them (problem: unsigned, unknown-key-version, mismatch): a security event.",
    labelNames: ["problem"],
  },
} as const satisfies Record<string, MetricDefinition>;

/** status-tracker: how exports finish. */
export const statusTrackerMetricDefinitions = {
  exports: {
    type: "counter",
    name: "data_exporter_exports_total",
    help: "Finished exports, counted when ExportCompleted is published (status SUCCESS, FAILED, PARTIAL_SUCCESS, CANCELLED).",
    labelNames: ["status", "mode"],
  },
  requestsPastDeadline: {
    type: "counter",
    name: "data_exporter_requests_past_deadline_total",
    help: "Exports the sweep found unfinished past REQUEST_DEADLINE_MS and failed (again if a sweep runs before that failure is applied).",
    labelNames: [],
  },
  stuckTables: {
    type: "counter",
    name: "data_exporter_stuck_tables_total",
    help: "Tables the sweep failed because their unload's lease lapsed with no sign of life (STUCK_AFTER_MS).",
    labelNames: [],
  },
} as const satisfies Record<string, MetricDefinition>;

/** sharing-server: Delta Sharing calls answered, and file links given to each recipient. */
export const sharingServerMetricDefinitions = {
  sharingRequests: {
    type: "counter",
    name: "data_exporter_sharing_requests_total",
    help: "Delta Sharing API calls answered, by API (listShares, metadata, query, ...; unknown for no route) and HTTP status.",
    labelNames: ["api", "status"],
  },
  sharingFilesServed: {
    type: "counter",
    name: "data_exporter_sharing_files_served_total",
    help: "File links given to Delta Sharing recipients (each also recorded in sharing_audit), by recipient and share.",
    labelNames: ["recipient", "share"],
  },
} as const satisfies Record<string, MetricDefinition>;

/** The catalog-registrar's: how each table's Glue registration ended. */
export const catalogRegistrarMetricDefinitions = {
  registrations: {
    type: "counter",
    name: "data_exporter_catalog_registrations_total",
    help: "Glue registrations of exported tables by outcome (REGISTERED, SCHEMA_CHANGED, FAILED, SKIPPED); each attempt counts.",
    labelNames: ["status"],
  },
} as const satisfies Record<string, MetricDefinition>;

/** Every metric definition of the project, by owner. */
export const metricCatalog = {
  runtime: runtimeMetricDefinitions,
  requestApi: requestApiMetricDefinitions,
  unloader: unloaderMetricDefinitions,
  statusTracker: statusTrackerMetricDefinitions,
  sharingServer: sharingServerMetricDefinitions,
  catalogRegistrar: catalogRegistrarMetricDefinitions,
} as const;

/** Every definition of the catalog, for checks that enumerate them (the dashboard and alert rules test). */
export function catalogDefinitions(): MetricDefinition[] {
  const groups: readonly Readonly<Record<string, MetricDefinition>>[] = Object.values(metricCatalog);
  return groups.flatMap((group) => Object.values(group));
}

/** The exported series names of a definition: a histogram's `_bucket`, `_sum` and `_count` as well as its own. */
export function seriesNames(definition: MetricDefinition): string[] {
  return definition.type === "histogram"
    ? [definition.name, `${definition.name}_bucket`, `${definition.name}_sum`, `${definition.name}_count`]
    : [definition.name];
}
