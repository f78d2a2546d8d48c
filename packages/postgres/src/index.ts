export { withClient, type PgClient, type PgPool, type PgQueryable } from "./pool.js";
export { isRetryablePostgresError, sqlstateOf } from "./postgres-errors.js";
export { isSchemaName, migrateSchema } from "./schema.js";
export {
  grantsOf,
  grantStatement,
  serviceRoleNames,
  tableGrants,
  warehouseReaderRole,
  type Grant,
  type ServiceWithRole,
  type TableGrants,
  type TablePrivilege,
} from "./service-roles.js";
