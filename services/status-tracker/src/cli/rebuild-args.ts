import { parseArgs } from "node:util";
import { isSchemaName } from "@data-exporter/postgres";
import { StatusTrackerError } from "../errors.js";

export const rebuildUsage = `usage: rebuild --schema NEW [--compare-with LIVE] [--json]

Rebuilds the status read model (request_table, table_export_job_statuses) into a new schema of DATABASE_URL by
replaying export-requested, daily-export-triggered and export-lifecycle from offset 0 to where they end now, with the
status tracker's own handlers. It publishes nothing (no ExportCompleted, nothing to SNS), commits no consumer offset
and touches no other schema; completion_published_at comes from each export's first ExportCompleted record.
  --schema S          where to build: a new (or empty) schema; never STATUS_SCHEMA, the live read model
  --compare-with L    then compare it with the read model in schema L, row by row: every column but updated_at,
                      completion_published_at only as set or not; prints each difference
  --json              print the result as one JSON line on stdout (logs always go to stderr)

Exit codes: 0 rebuilt (and equal), 1 failed or a difference, 2 bad arguments or configuration, or a schema refused.`;

export interface RebuildRequest {
  readonly schema: string;
  readonly compareWith: string | null;
  readonly json: boolean;
}

/**
 * Parses the rebuild's command line; `"help"` when help was asked for. Refuses (REBUILD_REFUSED) to build into
 * the live schema or the one to compare with.
 */
export function parseRebuildArgs(argv: readonly string[], context: { liveSchema: string }): RebuildRequest | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        schema: { type: "string" },
        "compare-with": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    throw new StatusTrackerError("REBUILD_ARGS", (error as Error).message, { cause: error });
  }
  if (values.help) return "help";
  const schema = values.schema;
  const compareWith = values["compare-with"] ?? null;
  if (schema === undefined) throw new StatusTrackerError("REBUILD_ARGS", "--schema is required");
  for (const [option, name] of [
    ["--schema", schema],
    ["--compare-with", compareWith],
  ] as const) {
    if (name !== null && !isSchemaName(name))
      throw new StatusTrackerError(
        "REBUILD_ARGS",
        `${option} ${JSON.stringify(name)} is not a schema name (lower case: [a-z_][a-z0-9_]*)`,
      );
  }
  if (schema === context.liveSchema)
    throw new StatusTrackerError(
      "REBUILD_REFUSED",
      `${schema} is STATUS_SCHEMA, the live read model (with the planner's claims and the notifier's log): rebuild into a new schema`,
    );
  if (schema === compareWith)
    throw new StatusTrackerError("REBUILD_REFUSED", `--schema and --compare-with are both ${schema}`);
  return { schema, compareWith, json: values.json };
}
