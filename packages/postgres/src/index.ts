export type { PgClient, PgPool, PgQueryable } from "./pool.js";
export { isRetryablePostgresError, sqlstateOf } from "./postgres-errors.js";
export { isSchemaName, migrateSchema } from "./schema.js";
