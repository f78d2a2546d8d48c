import {
  isRetryablePostgresError,
  isSchemaName,
  migrateSchema,
  withClient,
  type PgClient,
  type PgPool,
} from "@data-exporter/postgres";
import { PlannerError } from "../errors.js";
import type { ClaimInput, CommitResult, OutboxEvent, PlanStore, PlanToCommit } from "../handlers/plan-store.js";

function storeError(error: unknown, what: string): PlannerError {
  if (error instanceof PlannerError) return error;
  return new PlannerError("SCHEDULE_STORE", `planner state: ${what} failed`, {
    cause: error,
    retryable: isRetryablePostgresError(error),
  });
}

/** A queued event, as the relay reads it back, with the trace context of the handling that queued it. */
export type QueuedEvent = OutboxEvent & { readonly id: string; readonly traceparent: string | null };

export interface PlannerStateOptions {
  /**
   * The W3C traceparent of the work that records a plan (the handled event's span), stored with each queued event so
   * the relay publishes it in that trace, however much later and on whichever replica.
   */
  readonly traceparent?: (() => string | undefined) | undefined;
}

/**
 * The planner's own state in the exporter database, all written in one transaction per plan:
 * - `scheduled_export_dates`: one row per exported calendar date, the idempotency key of scheduled exports, claimed
 *   with INSERT ... ON CONFLICT so two triggers of one date racing each other cannot both win;
 * - `planned_requests`: requests whose plan was made, per run (0, then one per retryExport), so a redelivered request
 *   or retry is not planned twice;
 * - `planner_outbox`: the events of each plan (ExportPlanned, then its commands), published by the relay in order.
 * Recording and queueing in one transaction is the transactional outbox: what the planner records and what it
 * publishes cannot diverge, whatever crashes when.
 */
export class PlannerState implements PlanStore {
  private readonly dates: string;
  private readonly planned: string;
  private readonly outbox: string;

  constructor(
    private readonly pool: PgPool,
    private readonly schema: string,
    private readonly options: PlannerStateOptions = {},
  ) {
    if (!isSchemaName(schema))
      throw new PlannerError("SCHEDULE_STORE", `invalid schema name ${JSON.stringify(schema)}`);
    this.dates = `"${schema}".scheduled_export_dates`;
    this.planned = `"${schema}".planned_requests`;
    this.outbox = `"${schema}".planner_outbox`;
  }

  async migrate(): Promise<void> {
    try {
      await migrateSchema(this.pool, this.schema, "planner", [
        `CREATE TABLE IF NOT EXISTS ${this.dates} (
        export_date date PRIMARY KEY,
        request_id uuid NOT NULL,
        triggered_at timestamptz NOT NULL,
        triggered_by text NOT NULL,
        forced_count int NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now())`,
        `CREATE TABLE IF NOT EXISTS ${this.planned} (
        de_request_id uuid PRIMARY KEY,
        config_version text NOT NULL,
        commands int NOT NULL,
        planned_at timestamptz NOT NULL DEFAULT now())`,
        `CREATE TABLE IF NOT EXISTS ${this.outbox} (
        id bigserial PRIMARY KEY,
        de_request_id uuid NOT NULL,
        topic text NOT NULL,
        event_type text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz)`,
        `CREATE INDEX IF NOT EXISTS planner_outbox_unpublished_idx ON ${this.outbox} (id) WHERE published_at IS NULL`,
        `ALTER TABLE ${this.planned} ADD COLUMN IF NOT EXISTS run int NOT NULL DEFAULT 0`,
        `ALTER TABLE ${this.planned} DROP CONSTRAINT IF EXISTS planned_requests_pkey, ADD PRIMARY KEY (de_request_id, run)`,
        `ALTER TABLE ${this.outbox} ADD COLUMN IF NOT EXISTS traceparent text`,
      ]);
    } catch (error) {
      throw storeError(error, "migration");
    }
  }

  async wasPlanned(requestId: string, run = 0): Promise<boolean> {
    try {
      const { rows } = await this.pool.query(`SELECT 1 FROM ${this.planned} WHERE de_request_id = $1 AND run = $2`, [
        requestId,
        run,
      ]);
      return rows.length > 0;
    } catch (error) {
      throw storeError(error, "reading planned_requests");
    }
  }

  async commit(plan: PlanToCommit): Promise<CommitResult> {
    try {
      return await withClient(this.pool, async (client) => {
        try {
          return await this.commitOn(client, plan);
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      throw storeError(error, `recording the plan of ${plan.requestId}`);
    }
  }

  private async commitOn(client: PgClient, plan: PlanToCommit): Promise<CommitResult> {
    await client.query("BEGIN");
    let forcedCount = 0;
    if (plan.claim) {
      const claim = await this.claim(client, plan.claim);
      if (!claim.claimed) {
        await client.query("ROLLBACK");
        return { committed: false, existingRequestId: claim.existingRequestId, existingTriggeredAt: claim.at };
      }
      forcedCount = claim.forcedCount;
    }
    const { rows } = await client.query(
      `INSERT INTO ${this.planned} (de_request_id, config_version, commands, run) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [plan.requestId, plan.configVersion, plan.events.length - 1, plan.run ?? 0],
    );
    // Planned already (a racing delivery of the same request committed first): its events are queued.
    const traceparent = this.options.traceparent?.() ?? null;
    if (rows.length > 0)
      for (const event of plan.events)
        await client.query(
          `INSERT INTO ${this.outbox} (de_request_id, topic, event_type, payload, traceparent)
           VALUES ($1, $2, $3, $4, $5)`,
          [plan.requestId, event.topic, event.type, JSON.stringify(event.value), traceparent],
        );
    await client.query("COMMIT");
    return { committed: true, forcedCount };
  }

  /** The oldest events not published yet, in the order they were queued. */
  async unpublished(limit: number): Promise<QueuedEvent[]> {
    try {
      const { rows } = await this.pool.query<{
        id: string;
        topic: string;
        event_type: string;
        payload: unknown;
        traceparent: string | null;
      }>(
        `SELECT id::text AS id, topic, event_type, payload, traceparent FROM ${this.outbox}
         WHERE published_at IS NULL ORDER BY id LIMIT $1`,
        [limit],
      );
      return rows.map(
        (row) =>
          ({
            id: row.id,
            topic: row.topic,
            type: row.event_type,
            value: row.payload,
            traceparent: row.traceparent,
          }) as QueuedEvent,
      );
    } catch (error) {
      throw storeError(error, "reading planner_outbox");
    }
  }

  async markPublished(ids: readonly string[]): Promise<void> {
    try {
      await this.pool.query(`UPDATE ${this.outbox} SET published_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
    } catch (error) {
      throw storeError(error, "marking planner_outbox rows published");
    }
  }

  /**
   * Runs `relay` holding a session advisory lock on a connection of its own, or returns at once when another
   * planner replica holds it: one relay at a time keeps the events in queue order. A replica that dies releases the
   * lock with its connection.
   */
  async exclusively(relay: () => Promise<void>): Promise<void> {
    const lock = `planner-outbox:${this.schema}`;
    try {
      await withClient(this.pool, async (client) => {
        const { rows } = await client.query<{ locked: boolean }>(
          "SELECT pg_try_advisory_lock(hashtext($1)) AS locked",
          [lock],
        );
        if (rows[0]?.locked !== true) return;
        try {
          await relay();
        } finally {
          await client.query("SELECT pg_advisory_unlock(hashtext($1))", [lock]);
        }
      });
    } catch (error) {
      throw storeError(error, "relaying planner_outbox");
    }
  }

  /**
   * Claims the date for a request inside the plan's transaction. Without force the first request keeps it; with
   * force the date passes to the new request (and forced_count counts it once, however often that trigger is
   * redelivered).
   */
  private async claim(
    client: PgClient,
    input: ClaimInput,
  ): Promise<{ claimed: true; forcedCount: number } | { claimed: false; existingRequestId: string; at: number }> {
    // The second round only matters when a concurrent claim committed while this statement ran: the conflict then
    // hides the row from this statement's snapshot, and the next statement sees it.
    for (let round = 1; round <= 2; round++) {
      const {
        rows: [row],
      } = await client.query<{ request_id: string; forced_count: number; triggered_at: number }>(
        `WITH claimed AS (
           INSERT INTO ${this.dates} AS d (export_date, request_id, triggered_at, triggered_by)
           VALUES ($1, $2, to_timestamp($3::float8 / 1000.0), $4)
           ON CONFLICT (export_date) DO UPDATE SET request_id = EXCLUDED.request_id, triggered_at = EXCLUDED.triggered_at,
             triggered_by = EXCLUDED.triggered_by, forced_count = d.forced_count + 1, updated_at = now()
           WHERE $5::boolean AND d.request_id <> EXCLUDED.request_id
           RETURNING request_id, forced_count, triggered_at)
         SELECT request_id, forced_count, (extract(epoch FROM triggered_at) * 1000)::float8 AS triggered_at FROM claimed
         UNION ALL
         SELECT request_id, forced_count, (extract(epoch FROM triggered_at) * 1000)::float8 FROM ${this.dates}
         WHERE export_date = $1 AND NOT EXISTS (SELECT 1 FROM claimed)`,
        [input.exportDate, input.requestId, input.triggeredAt, input.triggeredBy, input.force],
      );
      if (!row) continue;
      return row.request_id === input.requestId
        ? { claimed: true, forcedCount: row.forced_count }
        : { claimed: false, existingRequestId: row.request_id, at: row.triggered_at };
    }
    throw new PlannerError("SCHEDULE_STORE", `scheduled_export_dates: claiming ${input.exportDate} returned no row`, {
      retryable: true,
    });
  }
}
