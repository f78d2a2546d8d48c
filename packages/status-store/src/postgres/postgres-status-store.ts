import type { ExportMode } from "@data-exporter/contracts";
import {
  isSchemaName,
  migrateSchema,
  sqlstateOf,
  withClient,
  type PgClient,
  type PgPool,
} from "@data-exporter/postgres";

const UNDEFINED_TABLE = "42P01";
import { StatusStoreError, toStatusStoreError } from "../errors.js";
import type { ExportedFileView, ExportRequestState, RequestStatus, TableJob, TableJobStatus } from "../model.js";
import { applyRequested, type Transition } from "../transitions.js";

/**
 * PostgreSQL read model of exports: `request_table` (one row per export) and `table_export_job_statuses` (one row
 * per table job), the names the seed's operators know. Writes go through `transact`, which serialises all changes
 * to one request with a transaction-scoped advisory lock.
 */
export class PostgresStatusStore {
  private readonly requests: string;
  private readonly jobs: string;

  constructor(
    private readonly pool: PgPool,
    private readonly schema = "de_internal",
  ) {
    if (!isSchemaName(schema))
      throw new StatusStoreError("INVALID_SCHEMA_NAME", `invalid schema name: ${JSON.stringify(schema)}`);
    this.requests = `"${schema}".request_table`;
    this.jobs = `"${schema}".table_export_job_statuses`;
  }

  async migrate(): Promise<void> {
    try {
      await migrateSchema(this.pool, this.schema, "status-tracker", [
        `CREATE TABLE IF NOT EXISTS ${this.requests} (
        de_request_id uuid PRIMARY KEY,
        mode text NOT NULL,
        export_date date,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        status text NOT NULL,
        planned_tables jsonb,
        skipped_tables jsonb NOT NULL DEFAULT '[]',
        bucket text,
        config_version text,
        requested_at timestamptz NOT NULL,
        planned_at timestamptz,
        completed_at timestamptz,
        completion_published_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now())`,
        `CREATE TABLE IF NOT EXISTS ${this.jobs} (
        de_request_id uuid NOT NULL,
        table_name text NOT NULL,
        status text NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        rows bigint,
        bytes bigint,
        output_prefix text NOT NULL,
        files jsonb NOT NULL DEFAULT '[]',
        manifest_key text,
        error_kind text,
        last_error text,
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (de_request_id, table_name))`,
        `CREATE INDEX IF NOT EXISTS request_table_export_date_idx ON ${this.requests} (export_date)`,
        `ALTER TABLE ${this.jobs} ADD COLUMN IF NOT EXISTS last_progress_at timestamptz`,
        // Rows written before it existed count as recorded: their request was, or will never be, seen again.
        `ALTER TABLE ${this.requests} ADD COLUMN IF NOT EXISTS request_recorded boolean NOT NULL DEFAULT true`,
        `ALTER TABLE ${this.jobs} ADD COLUMN IF NOT EXISTS manifest_version_id text`,
        `ALTER TABLE ${this.requests} ADD COLUMN IF NOT EXISTS requested_by text`,
        `CREATE INDEX IF NOT EXISTS request_table_requested_idx ON ${this.requests} (requested_at DESC, de_request_id DESC)`,
        `ALTER TABLE ${this.requests} ADD COLUMN IF NOT EXISTS run int NOT NULL DEFAULT 0`,
        `ALTER TABLE ${this.jobs} ADD COLUMN IF NOT EXISTS cancelled_by text`,
        `ALTER TABLE ${this.jobs} ADD COLUMN IF NOT EXISTS run int NOT NULL DEFAULT 0`,
      ]);
    } catch (error) {
      throw toStatusStoreError(error, "migrating");
    }
  }

  /**
   * Records an accepted request (`applyRequested`): a request already recorded is left as it is; a row its plan
   * created first gets the request's time.
   */
  async recordRequested(state: ExportRequestState): Promise<void> {
    await this.transact(state.requestId, (current) => applyRequested(current, state));
  }

  /** A request's state; undefined when unknown, also before the status tracker created the read model. */
  async get(requestId: string): Promise<ExportRequestState | undefined> {
    try {
      return await this.load(this.pool, requestId);
    } catch (error) {
      if (sqlstateOf(error) === UNDEFINED_TABLE) return undefined;
      throw toStatusStoreError(error, "reading a request");
    }
  }

  /**
   * The status of each of `requestIds` the read model holds (unknown ids are absent), in one query: what a caller's
   * quota needs of each of its recent requests, without loading their tables and files one request at a time.
   */
  async statuses(requestIds: readonly string[]): Promise<Map<string, RequestStatus>> {
    if (requestIds.length === 0) return new Map();
    try {
      const { rows } = await this.pool.query<{ de_request_id: string; status: RequestStatus }>(
        `SELECT de_request_id, status FROM ${this.requests} WHERE de_request_id = ANY($1::uuid[])`,
        [requestIds],
      );
      return new Map(rows.map((row) => [row.de_request_id, row.status]));
    } catch (error) {
      if (sqlstateOf(error) === UNDEFINED_TABLE) return new Map();
      throw toStatusStoreError(error, "reading request statuses");
    }
  }

  /** Loads, transforms and saves one request atomically. `decide` must be pure. */
  async transact(
    requestId: string,
    decide: (current: ExportRequestState | undefined) => Transition,
  ): Promise<Transition> {
    return this.#inTransaction("applying an event", async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [requestId]);
      const transition = decide(await this.load(client, requestId));
      if (transition.changed) await this.saveAll(client, [transition.state]);
      return transition;
    });
  }

  /** Runs `work` in one transaction on one pooled connection, rolled back when it throws. */
  async #inTransaction<T>(what: string, work: (client: PgClient) => Promise<T>): Promise<T> {
    try {
      return await withClient(this.pool, async (client) => {
        try {
          await client.query("BEGIN");
          const result = await work(client);
          await client.query("COMMIT");
          return result;
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      throw toStatusStoreError(error, what);
    }
  }

  /**
   * Loads the requests `requestIds`, lets `decide` apply a batch of events to them in memory, and saves the states
   * it returns, in one transaction: what `transact` does for one event, with a handful of round trips for the whole
   * batch. The requests' advisory locks are taken in one order (by hash), so concurrent batches never deadlock, and a
   * `transact` of any of them waits for the batch as it waits for another `transact`. `decide` must be pure.
   */
  async transactAll<T>(
    requestIds: readonly string[],
    decide: (current: ReadonlyMap<string, ExportRequestState>) => {
      readonly save: readonly ExportRequestState[];
      readonly result: T;
    },
  ): Promise<T> {
    const ids = [...new Set(requestIds)];
    return this.#inTransaction("applying a batch of events", async (client) => {
      await client.query(
        `SELECT pg_advisory_xact_lock(h) FROM
           (SELECT DISTINCT hashtext(id) AS h FROM unnest($1::text[]) AS id ORDER BY h OFFSET 0) AS ordered`,
        [ids],
      );
      const { save, result } = decide(await this.loadAll(client, ids));
      if (save.length > 0) await this.saveAll(client, save);
      return result;
    });
  }

  async markCompletionPublished(requestId: string, at: number): Promise<void> {
    try {
      await this.pool.query(
        `UPDATE ${this.requests} SET completion_published_at = to_timestamp($2 / 1000.0), updated_at = now()
         WHERE de_request_id = $1 AND completion_published_at IS NULL`,
        [requestId, at],
      );
    } catch (error) {
      throw toStatusStoreError(error, "marking a completion published");
    }
  }

  /** Finished exports whose ExportCompleted was not confirmed published (a crash between commit and publish). */
  async unpublishedCompletions(): Promise<ExportRequestState[]> {
    try {
      const { rows } = await this.pool.query<{ id: string }>(
        `SELECT de_request_id AS id FROM ${this.requests}
         WHERE completed_at IS NOT NULL AND completion_published_at IS NULL ORDER BY completed_at`,
      );
      const states = await Promise.all(rows.map((row) => this.load(this.pool, row.id)));
      return states.filter((state): state is ExportRequestState => state !== undefined);
    } catch (error) {
      throw toStatusStoreError(error, "listing unpublished completions");
    }
  }

  /**
   * The latest scheduled export of a date whose trigger was recorded, if any. A row only its plan created does not
   * count: which rows the trigger topic alone recorded must not depend on how far the lifecycle topic was read.
   */
  async findScheduled(exportDate: string): Promise<ExportRequestState | undefined> {
    try {
      const { rows } = await this.pool.query<{ id: string }>(
        `SELECT de_request_id AS id FROM ${this.requests}
         WHERE mode = 'SCHEDULED' AND export_date = $1 AND request_recorded
         ORDER BY requested_at DESC LIMIT 1`,
        [exportDate],
      );
      return rows[0] ? await this.load(this.pool, rows[0].id) : undefined;
    } catch (error) {
      throw toStatusStoreError(error, "finding a scheduled export");
    }
  }

  /**
   * Requests newest first (requested_at, then id, descending), filtered; `after` continues after a request already
   * listed (keyset pagination: stable while new requests arrive).
   */
  async list(query: RequestListQuery): Promise<ExportRequestState[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => `$${params.push(value)}`;
    if (query.requestedBy !== undefined) where.push(`requested_by = ${param(query.requestedBy)}`);
    if (query.statuses !== undefined) where.push(`status = ANY(${param(query.statuses)}::text[])`);
    if (query.mode !== undefined) where.push(`mode = ${param(query.mode)}`);
    if (query.requestedFrom !== undefined)
      where.push(`requested_at >= to_timestamp(${param(query.requestedFrom)}::float8 / 1000.0)`);
    if (query.requestedTo !== undefined)
      where.push(`requested_at < to_timestamp(${param(query.requestedTo)}::float8 / 1000.0)`);
    if (query.after !== undefined)
      where.push(
        `(requested_at, de_request_id) < (to_timestamp(${param(query.after.requestedAt)}::float8 / 1000.0), ` +
          `${param(query.after.requestId)}::uuid)`,
      );
    try {
      const { rows } = await this.pool.query<{ id: string }>(
        `SELECT de_request_id AS id FROM ${this.requests}
         ${where.length === 0 ? "" : `WHERE ${where.join(" AND ")}`}
         ORDER BY requested_at DESC, de_request_id DESC LIMIT ${param(query.limit)}`,
        params,
      );
      const states = await Promise.all(rows.map((row) => this.load(this.pool, row.id)));
      return states.filter((state): state is ExportRequestState => state !== undefined);
    } catch (error) {
      if (sqlstateOf(error) === UNDEFINED_TABLE) return [];
      throw toStatusStoreError(error, "listing requests");
    }
  }

  private async load(db: Pick<PgPool, "query">, requestId: string): Promise<ExportRequestState | undefined> {
    const { rows } = await db.query<RequestRow>(`${this.selectRequests} WHERE de_request_id = $1`, [requestId]);
    const row = rows[0];
    if (!row) return undefined;
    const { rows: jobRows } = await db.query<JobRow>(
      `${this.selectJobs} WHERE de_request_id = $1 ORDER BY table_name`,
      [requestId],
    );
    return stateOf(row, jobRows);
  }

  /** The states of the known requests among `requestIds`, two queries for all of them. */
  private async loadAll(
    db: Pick<PgPool, "query">,
    requestIds: readonly string[],
  ): Promise<Map<string, ExportRequestState>> {
    const { rows } = await db.query<RequestRow>(`${this.selectRequests} WHERE de_request_id = ANY($1::uuid[])`, [
      requestIds,
    ]);
    const states = new Map<string, ExportRequestState>();
    if (rows.length === 0) return states;
    const { rows: jobRows } = await db.query<JobRow & { de_request_id: string }>(
      `${this.selectJobs} WHERE de_request_id = ANY($1::uuid[]) ORDER BY de_request_id, table_name`,
      [rows.map((row) => row.de_request_id)],
    );
    const jobsOf = new Map<string, JobRow[]>();
    for (const job of jobRows) {
      const jobs = jobsOf.get(job.de_request_id);
      if (jobs) jobs.push(job);
      else jobsOf.set(job.de_request_id, [job]);
    }
    for (const row of rows) states.set(row.de_request_id, stateOf(row, jobsOf.get(row.de_request_id) ?? []));
    return states;
  }

  private get selectRequests(): string {
    return `SELECT de_request_id, mode, to_char(export_date, 'YYYY-MM-DD') AS export_date,
              ${ms("window_start")}, ${ms("window_end")}, status, run, planned_tables, skipped_tables, bucket, config_version,
              ${ms("requested_at")}, requested_by, request_recorded, ${ms("planned_at")}, ${ms("completed_at")},
              ${ms("completion_published_at")}
       FROM ${this.requests}`;
  }

  private get selectJobs(): string {
    return `SELECT de_request_id, table_name, status, attempts, rows::float8 AS rows, bytes::float8 AS bytes, output_prefix,
              files, manifest_key, manifest_version_id, error_kind, last_error, cancelled_by, run, ${ms("started_at")},
              ${ms("last_progress_at")}, ${ms("finished_at")}
       FROM ${this.jobs}`;
  }

  /**
   * Saves states (every job of each), one event's or a whole batch's, in two statements: the rows travel as one JSON
   * array each, so no batch meets PostgreSQL's limit on bind parameters.
   */
  private async saveAll(client: PgClient, states: readonly ExportRequestState[]): Promise<void> {
    const requests = states.map((state) => ({
      de_request_id: state.requestId,
      mode: state.mode,
      export_date: state.exportDate,
      window_start: state.windowStart,
      window_end: state.windowEnd,
      status: state.status,
      planned_tables: state.plannedTables,
      skipped_tables: state.skippedTables,
      bucket: state.bucket,
      config_version: state.configVersion,
      requested_at: state.requestedAt,
      planned_at: state.plannedAt,
      completed_at: state.completedAt,
      completion_published_at: state.completionPublishedAt,
      request_recorded: state.requestRecorded,
      requested_by: state.requestedBy,
      run: state.run,
    }));
    await client.query(
      `INSERT INTO ${this.requests} (de_request_id, mode, export_date, window_start, window_end, status, planned_tables,
         skipped_tables, bucket, config_version, requested_at, planned_at, completed_at, completion_published_at,
         request_recorded, requested_by, run, updated_at)
       SELECT r.de_request_id, r.mode, r.export_date, ${tsOf("r.window_start")}, ${tsOf("r.window_end")}, r.status,
         r.planned_tables, r.skipped_tables, r.bucket, r.config_version, ${tsOf("r.requested_at")},
         ${tsOf("r.planned_at")}, ${tsOf("r.completed_at")}, ${tsOf("r.completion_published_at")}, r.request_recorded,
         r.requested_by, r.run, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(de_request_id uuid, mode text, export_date date, window_start float8,
         window_end float8, status text, planned_tables jsonb, skipped_tables jsonb, bucket text, config_version text,
         requested_at float8, planned_at float8, completed_at float8, completion_published_at float8,
         request_recorded boolean, requested_by text, run int)
       ON CONFLICT (de_request_id) DO UPDATE SET mode = EXCLUDED.mode, export_date = EXCLUDED.export_date,
         status = EXCLUDED.status, planned_tables = EXCLUDED.planned_tables, skipped_tables = EXCLUDED.skipped_tables,
         bucket = EXCLUDED.bucket, config_version = EXCLUDED.config_version, requested_at = EXCLUDED.requested_at,
         request_recorded = EXCLUDED.request_recorded, requested_by = EXCLUDED.requested_by, run = EXCLUDED.run,
         planned_at = EXCLUDED.planned_at,
         completed_at = EXCLUDED.completed_at, completion_published_at = EXCLUDED.completion_published_at, updated_at = now()`,
      [JSON.stringify(requests)],
    );
    const jobs = states.flatMap((state) =>
      state.tables.map((job) => ({
        de_request_id: state.requestId,
        table_name: job.table,
        status: job.status,
        attempts: job.attempts,
        rows: job.rows,
        bytes: job.bytes,
        output_prefix: job.outputPrefix,
        files: job.files,
        manifest_key: job.manifestKey,
        error_kind: job.errorKind,
        last_error: job.lastError,
        started_at: job.startedAt,
        finished_at: job.finishedAt,
        last_progress_at: job.lastProgressAt,
        manifest_version_id: job.manifestVersionId,
        cancelled_by: job.cancelledBy,
        run: job.run,
      })),
    );
    if (jobs.length === 0) return;
    await client.query(
      `INSERT INTO ${this.jobs} (de_request_id, table_name, status, attempts, rows, bytes, output_prefix, files,
         manifest_key, error_kind, last_error, started_at, finished_at, last_progress_at, manifest_version_id,
         cancelled_by, run, updated_at)
       SELECT j.de_request_id, j.table_name, j.status, j.attempts, j.rows, j.bytes, j.output_prefix, j.files,
         j.manifest_key, j.error_kind, j.last_error, ${tsOf("j.started_at")}, ${tsOf("j.finished_at")},
         ${tsOf("j.last_progress_at")}, j.manifest_version_id, j.cancelled_by, j.run, now()
       FROM jsonb_to_recordset($1::jsonb) AS j(de_request_id uuid, table_name text, status text, attempts int,
         rows bigint, bytes bigint, output_prefix text, files jsonb, manifest_key text, error_kind text, last_error text,
         started_at float8, finished_at float8, last_progress_at float8, manifest_version_id text, cancelled_by text,
         run int)
       ON CONFLICT (de_request_id, table_name) DO UPDATE SET status = EXCLUDED.status, attempts = EXCLUDED.attempts,
         rows = EXCLUDED.rows, bytes = EXCLUDED.bytes, output_prefix = EXCLUDED.output_prefix, files = EXCLUDED.files,
         manifest_key = EXCLUDED.manifest_key, error_kind = EXCLUDED.error_kind, last_error = EXCLUDED.last_error,
         started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at,
         last_progress_at = EXCLUDED.last_progress_at, manifest_version_id = EXCLUDED.manifest_version_id,
         cancelled_by = EXCLUDED.cancelled_by, run = EXCLUDED.run,
         updated_at = now()`,
      [JSON.stringify(jobs)],
    );
  }
}

/** A request's state from its row and its jobs' rows (ordered by table name). */
function stateOf(row: RequestRow, jobRows: readonly JobRow[]): ExportRequestState {
  return {
    requestId: row.de_request_id,
    mode: row.mode,
    exportDate: row.export_date,
    windowStart: row.window_start,
    windowEnd: row.window_end,
    status: row.status,
    run: row.run,
    plannedTables: row.planned_tables,
    skippedTables: row.skipped_tables,
    bucket: row.bucket,
    configVersion: row.config_version,
    requestedAt: row.requested_at,
    requestedBy: row.requested_by,
    requestRecorded: row.request_recorded,
    plannedAt: row.planned_at,
    completedAt: row.completed_at,
    completionPublishedAt: row.completion_published_at,
    tables: jobRows.map((job): TableJob => ({
      table: job.table_name,
      status: job.status,
      attempts: job.attempts,
      rows: job.rows,
      bytes: job.bytes,
      outputPrefix: job.output_prefix,
      files: job.files.map((file) => ({ ...file, versionId: file.versionId ?? null })),
      manifestKey: job.manifest_key,
      manifestVersionId: job.manifest_version_id,
      errorKind: job.error_kind,
      lastError: job.last_error,
      cancelledBy: job.cancelled_by,
      run: job.run,
      startedAt: job.started_at,
      lastProgressAt: job.last_progress_at,
      finishedAt: job.finished_at,
    })),
  };
}

const ms = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::float8 AS ${column}`;
const tsOf = (value: string): string => `to_timestamp(${value} / 1000.0)`;

interface RequestRow {
  de_request_id: string;
  mode: ExportMode;
  export_date: string | null;
  window_start: number;
  window_end: number;
  status: RequestStatus;
  run: number;
  planned_tables: string[] | null;
  skipped_tables: { table: string; reason: string }[];
  bucket: string | null;
  config_version: string | null;
  requested_at: number;
  requested_by: string | null;
  request_recorded: boolean;
  planned_at: number | null;
  completed_at: number | null;
  completion_published_at: number | null;
}

/** Which requests `list` returns; every filter is optional but the page size. */
export interface RequestListQuery {
  /** Only this caller's requests (a caller who is not an admin gets only their own). */
  readonly requestedBy?: string;
  readonly statuses?: readonly RequestStatus[];
  readonly mode?: ExportMode;
  /** requested_at in [requestedFrom, requestedTo), epoch ms. */
  readonly requestedFrom?: number;
  readonly requestedTo?: number;
  /** The last request of the previous page. */
  readonly after?: { readonly requestedAt: number; readonly requestId: string };
  readonly limit: number;
}

interface JobRow {
  table_name: string;
  status: TableJobStatus;
  attempts: number;
  rows: number | null;
  bytes: number | null;
  output_prefix: string;
  /** Rows recorded before versions were tracked lack versionId. */
  files: (Omit<ExportedFileView, "versionId"> & { versionId?: string | null })[];
  manifest_key: string | null;
  manifest_version_id: string | null;
  error_kind: string | null;
  last_error: string | null;
  cancelled_by: string | null;
  run: number;
  started_at: number | null;
  last_progress_at: number | null;
  finished_at: number | null;
}
