import { createHash } from "node:crypto";
import type { ShareConfig } from "./sharing-config.js";

/** The schema of every share holding scheduled exports: one table per exported table, partitioned by date. */
export const scheduledSchema = "scheduled";
/** The schema of every share holding on-demand exports: one table per export and exported table. */
export const onDemandSchema = "on_demand";
/** The partition column of scheduled tables: the export's date (Australia/Melbourne), as in the S3 layout. */
export const exportDateColumn = "export_date";

export type SchemaName = typeof scheduledSchema | typeof onDemandSchema;

export const schemasOf = (share: ShareConfig): SchemaName[] => [
  ...(share.scheduled === undefined ? [] : ([scheduledSchema] as const)),
  ...(share.onDemand === undefined ? [] : ([onDemandSchema] as const)),
];

export const sharesScheduledTable = (share: ShareConfig, table: string): boolean =>
  share.scheduled !== undefined && (share.scheduled.tables === "*" || share.scheduled.tables.includes(table));

export const sharesOnDemandOf = (share: ShareConfig, requestedBy: string | null): boolean =>
  share.onDemand !== undefined &&
  (share.onDemand.requestedBy === "*" || (requestedBy !== null && share.onDemand.requestedBy.includes(requestedBy)));

/**
 * An on-demand export's table as a shared table: `<table>__<request id without dashes>`. A name, not a version of
 * `<table>`: each on-demand export is a window its caller chose, not a state of one growing table, so "latest" would
 * mean nothing and time travel would mislead.
 */
export const onDemandTableName = (table: string, requestId: string): string =>
  `${table}__${requestId.replace(/-/g, "").toLowerCase()}`;

/** The export and table an on-demand table name stands for; undefined when it is not one. */
export function parseOnDemandTableName(name: string): { table: string; requestId: string } | undefined {
  const match = /^(.+)__([0-9a-f]{32})$/.exec(name);
  if (!match?.[1] || !match[2]) return undefined;
  const hex = match[2];
  const requestId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { table: match[1], requestId };
}

/** A stable UUID-formatted id for a name (shares and tables keep theirs across restarts and replicas). */
export function stableId(name: string): string {
  const hex = createHash("sha256").update(name).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
