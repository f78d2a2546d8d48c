import type { ServiceWithRole } from "@data-exporter/postgres";
import { serviceUrlVariable } from "../stack/postgres-roles.js";

/** Services that read the warehouse (the planner's catalog, the unloader's snapshots). */
const warehouseReaders: readonly ServiceWithRole[] = ["planner", "unloader"];

/**
 * A service's environment as its own Deployment would have it: DATABASE_URL is its own role's login (from
 * <SERVICE>_DATABASE_URL), WAREHOUSE_URL the read-only warehouse role's for the readers and absent for the others,
 * and no other role's credentials. Without per-service logins in `env` (an external PostgreSQL) it is unchanged.
 */
export function serviceDatabaseEnv(
  service: ServiceWithRole,
  env: Readonly<Record<string, string>>,
): Record<string, string> {
  const own = env[serviceUrlVariable(service)];
  if (own === undefined || own === "") return { ...env };
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.endsWith("_DATABASE_URL") && key !== "MIGRATION_DATABASE_URL") continue;
    if (key === "POSTGRES_ADMIN_URL" || key === "WAREHOUSE_READER_URL" || key === "WAREHOUSE_URL") continue;
    result[key] = value;
  }
  result.DATABASE_URL = own;
  const reader = env.WAREHOUSE_READER_URL;
  if (warehouseReaders.includes(service) && reader !== undefined && reader !== "") result.WAREHOUSE_URL = reader;
  return result;
}
