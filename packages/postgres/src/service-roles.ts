/**
 * Least privilege in the exporter's database: one role per service, holding only the privileges on each table that
 * its SQL needs (read from the adapters' statements). The table's migration grants them (see migrateSchema), so
 * the grants live beside the tables they are about and are reapplied to every schema a deployment or test creates.
 */

export const serviceRoleNames = {
  planner: "data_exporter_planner",
  unloader: "data_exporter_unloader",
  "status-tracker": "data_exporter_status_tracker",
  notifier: "data_exporter_notifier",
  "request-api": "data_exporter_request_api",
  "sharing-server": "data_exporter_sharing_server",
  "catalog-registrar": "data_exporter_catalog_registrar",
} as const;
export type ServiceWithRole = keyof typeof serviceRoleNames;

/** Reads the warehouse (the planner's catalog, the unloader's snapshots): SELECT on its tables and nothing else. */
export const warehouseReaderRole = "data_exporter_warehouse_reader";

export type TablePrivilege = "SELECT" | "INSERT" | "UPDATE" | "DELETE";

export interface TableGrants {
  readonly table: string;
  /** The migrateSchema owner that creates the table (and so grants on it). */
  readonly owner: string;
  readonly grants: Readonly<Partial<Record<ServiceWithRole, readonly TablePrivilege[]>>>;
  /** Sequences of the table's serial columns: USAGE for whoever INSERTs. */
  readonly sequences?: readonly string[];
}

/**
 * Who may do what on each table. INSERT ... ON CONFLICT DO UPDATE needs UPDATE, RETURNING and WHERE need SELECT;
 * nothing deletes (finished rows are kept), so no role has DELETE.
 */
export const tableGrants: readonly TableGrants[] = [
  {
    table: "request_table",
    owner: "status-tracker",
    grants: {
      "status-tracker": ["SELECT", "INSERT", "UPDATE"],
      "request-api": ["SELECT"],
      "sharing-server": ["SELECT"],
    },
  },
  {
    table: "table_export_job_statuses",
    owner: "status-tracker",
    grants: {
      "status-tracker": ["SELECT", "INSERT", "UPDATE"],
      "request-api": ["SELECT"],
      "sharing-server": ["SELECT"],
    },
  },
  {
    table: "dead_letter_redrives",
    owner: "status-tracker-redrives",
    grants: { "status-tracker": ["SELECT", "INSERT"] },
  },
  { table: "accepted_requests", owner: "request-api", grants: { "request-api": ["SELECT", "INSERT"] } },
  { table: "link_grants", owner: "request-api.link-grants", grants: { "request-api": ["SELECT", "INSERT"] } },
  { table: "scheduled_export_dates", owner: "planner", grants: { planner: ["SELECT", "INSERT", "UPDATE"] } },
  { table: "planned_requests", owner: "planner", grants: { planner: ["SELECT", "INSERT"] } },
  {
    table: "planner_outbox",
    owner: "planner",
    grants: { planner: ["SELECT", "INSERT", "UPDATE"] },
    sequences: ["planner_outbox_id_seq"],
  },
  {
    table: "unload_jobs",
    owner: "unloader",
    // The status tracker's sweeper reads leases to find stuck tables.
    grants: { unloader: ["SELECT", "INSERT", "UPDATE"], "status-tracker": ["SELECT"] },
  },
  { table: "export_cancellations", owner: "unloader", grants: { unloader: ["SELECT", "INSERT", "UPDATE"] } },
  { table: "export_notifications", owner: "notifier", grants: { notifier: ["SELECT", "INSERT"] } },
  { table: "sharing_audit", owner: "sharing-server", grants: { "sharing-server": ["INSERT"] } },
  {
    table: "catalog_registrations",
    owner: "catalog-registrar",
    grants: { "catalog-registrar": ["SELECT", "INSERT", "UPDATE"] },
  },
];

/** One privilege one role should hold: a table's, a sequence's USAGE, or the schema's USAGE. */
export interface Grant {
  readonly role: string;
  readonly kind: "table" | "sequence" | "schema";
  /** Unqualified name (the schema itself for kind "schema"). */
  readonly object: string;
  readonly privilege: TablePrivilege | "USAGE";
}

/**
 * What an owner's migration grants in a schema: the privileges on its tables, USAGE on their sequences, and for
 * every role involved USAGE on the schema and SELECT on schema_migrations (so a service whose tables are already
 * migrated starts without any DDL).
 */
export function grantsOf(owner: string): Grant[] {
  const grants: Grant[] = [];
  const roles = new Set<string>();
  for (const t of tableGrants.filter((g) => g.owner === owner)) {
    for (const [service, privileges] of Object.entries(t.grants) as [ServiceWithRole, TablePrivilege[]][]) {
      const role = serviceRoleNames[service];
      roles.add(role);
      for (const privilege of privileges) grants.push({ role, kind: "table", object: t.table, privilege });
      if (privileges.includes("INSERT"))
        for (const seq of t.sequences ?? []) grants.push({ role, kind: "sequence", object: seq, privilege: "USAGE" });
    }
  }
  for (const role of roles) {
    grants.push({ role, kind: "schema", object: "", privilege: "USAGE" });
    grants.push({ role, kind: "table", object: "schema_migrations", privilege: "SELECT" });
  }
  return grants;
}

/** The GRANT statement of one grant in `schema` (a checked schema name, see isSchemaName). */
export function grantStatement(schema: string, g: Grant): string {
  switch (g.kind) {
    case "schema":
      return `GRANT USAGE ON SCHEMA "${schema}" TO ${g.role}`;
    case "sequence":
      return `GRANT USAGE ON SEQUENCE "${schema}".${g.object} TO ${g.role}`;
    case "table":
      return `GRANT ${g.privilege} ON TABLE "${schema}".${g.object} TO ${g.role}`;
  }
}
