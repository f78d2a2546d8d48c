/**
 * Reads back what a run left behind, the way its users would: requestStatus through request-api (and its presigned
 * links), the read model, the bucket's listing and manifests, the Parquet files read with the harness's reader,
 * the export-completed and dead-letter topics, and the SNS inbox. The result is plain data for checks.ts.
 */
import { createHash } from "node:crypto";
import { deadLetterHeaders } from "@data-exporter/bus";
import { demoClassificationFor } from "@data-exporter/demo-data";
import type { ObjectStore } from "@data-exporter/object-store";
import { PostgresStatusStore, type ExportRequestState, type TableJob } from "@data-exporter/status-store";
import type pg from "pg";
import {
  classifiedColumns,
  classifiedRows,
  isClassifiedTable,
  rowKey,
  type ClassifiedTable,
} from "../classified-rows.js";
import { requestStatus, type RequestStatusResult } from "../graphql/client.js";
import type { NotificationInbox } from "../notifications.js";
import { readParquet } from "../parquet.js";
import { readRawTopic, readTopic } from "../topics.js";
import type {
  DownloadedFile,
  ExpectedContent,
  ObservedManifest,
  ObservedRequest,
  ObservedTable,
  RunObservation,
  SubmissionRecord,
} from "./checks.js";
import { digestRows } from "./digest.js";
import type { RunPlan } from "./plan.js";

/**
 * The oracle's expected content of a table over a window, computed once per (table, window) from the warehouse the
 * runs share: every run of a campaign, and every request of a window, compares with the same digest.
 */
export class WarehouseOracle {
  readonly #cache = new Map<string, Promise<ExpectedContent>>();

  constructor(
    private readonly warehouse: pg.Pool,
    private readonly schema: string,
    private readonly hashKey: string,
  ) {}

  expected(table: string, window: readonly [number, number]): Promise<ExpectedContent> | undefined {
    if (table === "classifications") return Promise.resolve(this.snapshot());
    if (!isClassifiedTable(table)) return undefined;
    const key = `${table}|${window[0]}|${window[1]}`;
    let cached = this.#cache.get(key);
    if (cached === undefined) {
      cached = this.rows(table, window);
      this.#cache.set(key, cached);
      cached.catch(() => this.#cache.delete(key));
    }
    return cached;
  }

  private async rows(table: ClassifiedTable, window: readonly [number, number]): Promise<ExpectedContent> {
    const columns = classifiedColumns(table);
    const rows = await classifiedRows(this.warehouse, {
      schema: this.schema,
      table,
      window: [new Date(window[0]), new Date(window[1])],
      hashKey: this.hashKey,
    });
    return { kind: "rows", columns, digest: digestRows(rows.map((row) => rowKey(row, columns))) };
  }

  /** The rule snapshot of a scheduled export: one file per configuration table, as the demo configuration has it. */
  private snapshot(): ExpectedContent {
    const demo = demoClassificationFor(this.schema);
    return {
      kind: "files",
      rowsByFile: {
        "export_tables.parquet": demo.tables.length,
        "data_column_classification.parquet": demo.rules.columns.length,
        "actual_data_classifications.parquet": demo.rules.sources.length,
        "long_table_data_classifications.parquet": demo.rules.metrics.length,
      },
    };
  }
}

export interface ObserveContext {
  readonly plan: RunPlan;
  readonly submissions: readonly SubmissionRecord[];
  readonly graphqlUrl: string;
  readonly topicNamespace: string;
  readonly statusSchema: string;
  /** The exporter's state database (read model, accepted_requests). */
  readonly state: pg.Pool;
  readonly store: ObjectStore;
  readonly inbox: NotificationInbox;
  readonly oracle: WarehouseOracle;
  readonly settle: RunObservation["settle"];
}

/** Every request the deployment knows of: the read model's, request-api's accepted ones, and those handed out. */
export async function knownRequestIds(
  state: pg.Pool,
  statusSchema: string,
  submissions: readonly SubmissionRecord[],
): Promise<string[]> {
  const ids = new Set(submissions.filter((s) => s.export.kind === "on-demand").flatMap((s) => s.requestIds));
  for (const table of ["request_table", "accepted_requests"]) {
    const name = `"${statusSchema}".${table}`;
    const exists = await state.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [name]);
    if (exists.rows[0]?.ok !== true) continue;
    const found = await state.query<{ id: string }>(`SELECT de_request_id::text AS id FROM ${name}`);
    for (const row of found.rows) ids.add(row.id);
  }
  return [...ids].sort();
}

/** requestStatus with a bound per call, a few tries (request-api may be restarting). */
export async function statusOf(
  graphqlUrl: string,
  requestId: string,
  tries = 3,
): Promise<{ status?: RequestStatusResult; error?: string }> {
  let error = "";
  for (let i = 0; i < tries; i++) {
    try {
      return { status: await requestStatus(graphqlUrl, requestId, AbortSignal.timeout(10_000)) };
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  return { error };
}

export async function observeRun(ctx: ObserveContext): Promise<RunObservation> {
  const store = new PostgresStatusStore(ctx.state, ctx.statusSchema);
  const ids = await knownRequestIds(ctx.state, ctx.statusSchema, ctx.submissions);
  const requests: ObservedRequest[] = [];
  for (const requestId of ids) requests.push(await observeRequest(ctx, store, requestId));
  const objects = await ctx.store.list("");
  const completed = await readTopic(ctx.topicNamespace, "exportCompleted");
  const deadLetters = await readRawTopic(ctx.topicNamespace, "deadLetter");
  return {
    submissions: ctx.submissions,
    requests,
    objects: objects.map(({ key, size }) => ({ key, size })),
    completedEvents: completed.flatMap((event) =>
      event.type === "ExportCompleted"
        ? [
            {
              requestId: event.value.requestId,
              status: event.value.status,
              at: `partition ${event.partition} offset ${event.offset}`,
            },
          ]
        : [],
    ),
    notifications: (await drainInbox(ctx.inbox)).map((n) => ({
      requestId: n.attributes.requestId ?? "",
      status: n.attributes.status ?? "",
      at: `${n.messageId} at ${n.timestamp}`,
    })),
    deadLetters: deadLetters.map((record) => ({
      topic: record.headers[deadLetterHeaders.originalTopic] ?? "?",
      error:
        `${record.headers[deadLetterHeaders.errorKind] ?? "?"} ${record.headers[deadLetterHeaders.errorCode] ?? ""}: ` +
        `${record.headers[deadLetterHeaders.errorMessage] ?? ""}`,
    })),
    settle: ctx.settle,
  };
}

/** Every SNS message the inbox received, read until it stays empty. */
async function drainInbox(inbox: NotificationInbox): Promise<NotificationInbox["all"]> {
  for (let empty = 0; empty < 3;) empty = (await inbox.receive(1)).length === 0 ? empty + 1 : 0;
  return inbox.all;
}

function exportIdOf(ctx: ObserveContext, requestId: string, state: ExportRequestState | undefined): string | undefined {
  const direct = ctx.submissions.find((s) => s.requestIds.includes(requestId));
  if (direct?.export.kind === "on-demand") return direct.export.id;
  if (state === undefined) return direct?.export.id;
  for (const planned of ctx.plan.exports) {
    if (planned.kind === "scheduled" && state.mode === "SCHEDULED" && state.exportDate === planned.exportDate)
      return planned.id;
    // A request-api call the client saw fail may still have been accepted: same window start, its own prefix.
    if (planned.kind === "on-demand" && state.mode === "ON_DEMAND" && state.windowStart === planned.startTime * 1000)
      return `${planned.id}?`;
  }
  return undefined;
}

async function observeRequest(
  ctx: ObserveContext,
  store: PostgresStatusStore,
  requestId: string,
): Promise<ObservedRequest> {
  const { status, error } = await statusOf(ctx.graphqlUrl, requestId);
  const state = await store.get(requestId);
  const exportId = exportIdOf(ctx, requestId, state);
  const tables: ObservedTable[] = [];
  for (const job of state?.tables ?? []) {
    const links = status?.tables.find((t) => t.tableName === job.table)?.files ?? [];
    tables.push(await observeTable(ctx, state as ExportRequestState, job, links));
  }
  return {
    requestId,
    ...(exportId === undefined ? {} : { exportId }),
    ...(status === undefined ? {} : { status: status.status }),
    ...(error === undefined ? {} : { statusError: error }),
    ...(state === undefined
      ? {}
      : {
          tracked: {
            mode: state.mode,
            exportDate: state.exportDate,
            status: state.status,
            windowStart: state.windowStart,
            windowEnd: state.windowEnd,
            planned: state.plannedTables !== null,
            skipped: state.skippedTables,
          },
        }),
    tables,
  };
}

async function observeTable(
  ctx: ObserveContext,
  state: ExportRequestState,
  job: TableJob,
  links: readonly { key: string; url: string }[],
): Promise<ObservedTable> {
  const base: ObservedTable = {
    table: job.table,
    status: job.status,
    errorKind: job.errorKind,
    error: job.lastError,
    outputPrefix: job.outputPrefix,
    rows: job.rows,
    files: job.files.map(({ key, rows, bytes, sha256 }) => ({ key, rows, bytes, sha256 })),
    manifestKey: job.manifestKey,
  };
  if (job.status !== "COMPLETED") return base;
  const manifest = await readManifest(ctx.store, job.manifestKey);
  const expected = await ctx.oracle.expected(job.table, [state.windowStart, state.windowEnd]);
  const columns = expected?.kind === "rows" ? expected.columns : undefined;
  const downloaded: DownloadedFile[] = [];
  const keys: string[] = [];
  let readable = true;
  for (const file of job.files) {
    const link = links.find((l) => l.key === file.key);
    try {
      const bytes = link ? await download(link.url) : await ctx.store.getObject(file.key);
      const parquet = file.key.endsWith(".parquet") ? await readParquet(bytes) : undefined;
      downloaded.push({
        key: file.key,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        rows: parquet?.rows.length ?? 0,
        ...(parquet === undefined ? {} : { columns: parquet.columns }),
      });
      if (columns !== undefined && parquet !== undefined)
        for (const row of parquet.rows) keys.push(rowKey(row, columns));
    } catch (error) {
      readable = false;
      downloaded.push({ key: file.key, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return {
    ...base,
    manifest,
    downloaded,
    ...(expected === undefined ? {} : { expected }),
    ...(columns !== undefined && readable ? { content: digestRows(keys) } : {}),
  };
}

async function download(url: string): Promise<Uint8Array> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`GET of its presigned link answered ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function readManifest(store: ObjectStore, key: string | null): Promise<ObservedManifest> {
  if (key === null) return { error: "the read model has no manifest key" };
  try {
    const manifest = JSON.parse(await store.getText(key)) as {
      requestId: string;
      files: { key: string; rows: number; bytes: number; sha256: string }[];
      totalRows: number;
    };
    return {
      requestId: manifest.requestId,
      files: manifest.files.map(({ key: k, rows, bytes, sha256 }) => ({ key: k, rows, bytes, sha256 })),
      totalRows: manifest.totalRows,
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
