import pg from "pg";
import type { AsyncResourceStack } from "./disposable-stack.js";
import type { Logger } from "./logger.js";

export interface PgPoolOptions {
  readonly connectionString: string;
  readonly max: number;
  /** Shown in pg_stat_activity, so an operator sees which service holds a connection. */
  readonly applicationName?: string;
  /** TCP keepalive on idle connections (long-held advisory locks). */
  readonly keepAlive?: boolean;
  /** Longest wait for a connection (default 10 s): an unreachable database fails fast and is retried. */
  readonly connectTimeoutMs?: number;
  /** Server-side statement_timeout (default 60 s): no statement of the exporter's own tables runs longer. */
  readonly statementTimeoutMs?: number;
}

/**
 * Opens a pg Pool whose close is deferred on the service's resource stack. An idle connection the server drops (a
 * restart, a failover) is logged, not fatal: the pool reconnects on the next query.
 */
export function openPgPool(
  service: { readonly resources: AsyncResourceStack; readonly log: Logger },
  options: PgPoolOptions,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    ...(options.applicationName === undefined ? {} : { application_name: options.applicationName }),
    ...(options.keepAlive === undefined ? {} : { keepAlive: options.keepAlive }),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    statement_timeout: options.statementTimeoutMs ?? 60_000,
  });
  pool.on("error", (error) =>
    service.log.warn({ error: error.message, pool: options.applicationName }, "idle database connection failed"),
  );
  service.resources.defer(() => pool.end());
  return pool;
}

/**
 * Runs `migrate` on a short-lived pool of MIGRATION_DATABASE_URL when it is set (the schema owner, which may create
 * tables and grant on them), else on the service's own pool: the service's role then needs no DDL privilege.
 */
export async function migrateWith(
  service: { readonly log: Logger },
  config: { readonly MIGRATION_DATABASE_URL?: string | undefined },
  runtimePool: pg.Pool,
  migrate: (pool: pg.Pool) => Promise<void>,
): Promise<void> {
  if (config.MIGRATION_DATABASE_URL === undefined) return migrate(runtimePool);
  const pool = new pg.Pool({
    connectionString: config.MIGRATION_DATABASE_URL,
    max: 1,
    connectionTimeoutMillis: 10_000,
  });
  pool.on("error", (error) => service.log.warn({ error: error.message }, "migration database connection failed"));
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
}
