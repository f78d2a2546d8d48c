import type { ExportCompleted } from "@data-exporter/contracts";
import type { Logger } from "@data-exporter/runtime";
import type { UnloadManifest } from "@data-exporter/warehouse";
import type { Catalog } from "../adapters/glue-catalog.js";
import type { RegistrationLog } from "../adapters/registration-log.js";
import { locationOf, tableSpecOf, targetsOf, type RegistrationTarget } from "../domain/catalog-layout.js";
import { catalogColumnsOf } from "../domain/hive-types.js";
import { describeDiff, diffSchemas, isSameSchema, type SchemaDiff } from "../domain/schema-diff.js";
import { CatalogError } from "../errors.js";

/** What the registrar reads of a table's manifest. */
export type ManifestSchema = Pick<UnloadManifest, "requestId" | "parquetSchema" | "columnEncodings">;

export interface RegistrarDeps {
  readonly database: string;
  /** Whether on-demand exports are registered too (REGISTER_ON_DEMAND). */
  readonly onDemand: boolean;
  readonly catalog: Catalog;
  readonly readManifest: (bucket: string, key: string) => Promise<ManifestSchema>;
  readonly registrations: Pick<RegistrationLog, "statusOf" | "begin" | "finish">;
  readonly log: Pick<Logger, "info" | "warn" | "error">;
  /** Counts each attempt's outcome (the registrations metric). */
  readonly counted?: (status: "REGISTERED" | "SCHEMA_CHANGED" | "FAILED" | "SKIPPED") => void;
}

export type RegistrationOutcome =
  | { readonly status: "REGISTERED"; readonly partition: "created" | "updated" }
  | { readonly status: "SCHEMA_CHANGED"; readonly diff: SchemaDiff }
  | { readonly status: "SKIPPED"; readonly why: string }
  | { readonly status: "ALREADY_REGISTERED" };

/**
 * Registers one exported table as a partition of its catalog table: the database and table are created when
 * missing; a table whose columns differ from the export's is left alone and the difference reported
 * (SCHEMA_CHANGED), so no partition is ever read with another schema than its files'. Idempotent: a partition that
 * exists is updated to point at this export. Every attempt is counted in the registration log; a failure is
 * recorded there and rethrown (the consumer retries it, then dead-letters it).
 */
export async function registerTarget(
  target: RegistrationTarget,
  deps: RegistrarDeps,
  options: { readonly force?: boolean } = {},
): Promise<RegistrationOutcome> {
  if (!options.force) {
    const status = await deps.registrations.statusOf(target);
    if (status === "REGISTERED" || status === "SKIPPED") return { status: "ALREADY_REGISTERED" };
  }
  const attempt = await deps.registrations.begin(target, deps.database);
  const context = {
    requestId: target.requestId,
    run: target.run,
    table: target.table,
    database: deps.database,
    catalogTable: target.catalogTable,
    partition: `${target.partitionKey.name}=${target.partitionValue}`,
    attempt,
  };
  try {
    const manifest = await deps.readManifest(target.bucket, `${target.prefix}manifest`);
    if (manifest.requestId !== target.requestId) {
      const why = `the folder now holds request ${manifest.requestId}'s export, which registers it`;
      await deps.registrations.finish(target, "SKIPPED", { error: why });
      deps.counted?.("SKIPPED");
      deps.log.info({ ...context, why }, "catalog registration skipped");
      return { status: "SKIPPED", why };
    }
    if (manifest.parquetSchema.length === 0) {
      const why = "the folder has no single Parquet schema (a snapshot of several files)";
      await deps.registrations.finish(target, "SKIPPED", { error: why });
      deps.counted?.("SKIPPED");
      deps.log.info({ ...context, why }, "catalog registration skipped");
      return { status: "SKIPPED", why };
    }
    const columns = catalogColumnsOf(manifest.parquetSchema, manifest.columnEncodings);
    await deps.catalog.ensureDatabase(deps.database);
    const spec = tableSpecOf(target, columns);
    let existing = await deps.catalog.getTable(deps.database, target.catalogTable);
    if (existing === undefined && (await deps.catalog.createTable(deps.database, spec)) === "exists")
      existing = await deps.catalog.getTable(deps.database, target.catalogTable);
    if (existing !== undefined) {
      const diff = diffSchemas(existing.columns, columns);
      const keys = existing.partitionKeys.map((k) => `${k.name} ${k.type}`).join(",");
      if (keys !== `${target.partitionKey.name} ${target.partitionKey.type}`)
        throw new CatalogError(
          "PARTITION_KEYS_DIFFER",
          `${target.catalogTable} is partitioned by (${keys}), not by this export's key`,
        );
      if (!isSameSchema(diff)) {
        const error = `schema changed: ${describeDiff(diff)}`;
        await deps.registrations.finish(target, "SCHEMA_CHANGED", { error, diff });
        deps.counted?.("SCHEMA_CHANGED");
        deps.log.error({ ...context, diff }, `catalog registration refused: the export's ${error}`);
        return { status: "SCHEMA_CHANGED", diff };
      }
    }
    const partition = await deps.catalog.upsertPartition(deps.database, target.catalogTable, {
      values: [target.partitionValue],
      location: locationOf(target),
      columns,
      parameters: target.parameters,
    });
    await deps.registrations.finish(target, "REGISTERED");
    deps.counted?.("REGISTERED");
    deps.log.info({ ...context, partition, location: locationOf(target) }, "export registered in the catalog");
    return { status: "REGISTERED", partition };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.counted?.("FAILED");
    await deps.registrations.finish(target, "FAILED", { error: message });
    deps.log.error({ ...context, err: error }, "catalog registration failed");
    throw error;
  }
}

/**
 * One ExportCompleted: every table it registers is tried, so one failing table does not hold back the others; the
 * first failure is rethrown afterwards (retryable when any failure is), for the consumer to retry the event. The
 * tables already registered are skipped on that retry.
 */
export async function handleExportCompleted(
  event: ExportCompleted,
  deps: RegistrarDeps,
): Promise<RegistrationOutcome[]> {
  const targets = targetsOf(event, { onDemand: deps.onDemand });
  const outcomes: RegistrationOutcome[] = [];
  const failures: unknown[] = [];
  for (const target of targets) {
    try {
      outcomes.push(await registerTarget(target, deps));
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    const retryable = failures.some((f) => (f as { retryable?: unknown }).retryable !== false);
    throw new CatalogError(
      "GLUE_CALL",
      `catalog registration of ${failures.length} of ${targets.length} tables failed: ${String((failures[0] as Error).message)}`,
      { cause: failures[0], retryable, context: { requestId: event.requestId } },
    );
  }
  return outcomes;
}
