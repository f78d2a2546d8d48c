export { withClient, type PgClient, type PgPool, type PgQueryable } from "./pool.js";
export { isRetryablePostgresError, sqlstateOf } from "./postgres-errors.js";
export { isSchemaName, migrateSchema } from "./schema.js";
