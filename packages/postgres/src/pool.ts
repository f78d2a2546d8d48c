/** The part of pg's Pool (or a checked-out client) the adapters run statements on. */
export interface PgQueryable {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** A checked-out connection: statements on it share one session (transactions, advisory locks). */
export interface PgClient extends PgQueryable {
  /** Gives the connection back; `true` (or an error) destroys it instead (its session state is unknown). */
  release(destroy?: boolean | Error): void;
  on?(event: "error", listener: (error: Error) => void): unknown;
  off?(event: "error", listener: (error: Error) => void): unknown;
}

/** The subset of pg's Pool the exporter's PostgreSQL adapters need. */
export interface PgPool extends PgQueryable {
  connect(): Promise<PgClient>;
}

/**
 * Runs `work` on a checked-out connection and gives it back, destroyed if it broke. A checked-out pg client has no
 * 'error' listener of its own: without this one, the database dropping the connection (a restart, a failover)
 * crashes the process instead of failing the statement in flight.
 */
export async function withClient<T>(pool: PgPool, work: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error): void => void (broken ??= error);
  client.on?.("error", onError);
  try {
    return await work(client);
  } catch (error) {
    broken ??= error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.off?.("error", onError);
    client.release(broken);
  }
}
