/** The part of pg's Pool (or a checked-out client) the adapters run statements on. */
export interface PgQueryable {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** A checked-out connection: statements on it share one session (transactions, advisory locks). */
export interface PgClient extends PgQueryable {
  release(): void;
}

/** The subset of pg's Pool the exporter's PostgreSQL adapters need. */
export interface PgPool extends PgQueryable {
  connect(): Promise<PgClient>;
}
