/**
 * The per-service database roles on the local server, as in production: each service logs in as its own role with a
 * scram password (generated once per profile into .local/<profile>/postgres-roles.json, mode 0600), the warehouse
 * is readable only by the read-only warehouse role, and only the admin (`postgres`, the migrations' owner) connects
 * without a password. The grants on the exporter's tables come from the services' migrations (packages/postgres).
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { serviceRoleNames, warehouseReaderRole, type ServiceWithRole } from "@data-exporter/postgres";
import type { ProfileDirs } from "./paths.js";

export const localRoles: readonly string[] = [...Object.values(serviceRoleNames), warehouseReaderRole];

/** Role name -> password, read from the profile's state folder, created (and completed) when missing. */
export function localRolePasswords(dirs: ProfileDirs): Record<string, string> {
  const file = join(dirs.root, "postgres-roles.json");
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, string>) : {};
  const missing = localRoles.filter((r) => typeof stored[r] !== "string");
  if (missing.length === 0) return stored;
  // Hex: safe to paste into a URL and into ALTER ROLE ... PASSWORD '...'.
  for (const role of missing) stored[role] = randomBytes(18).toString("hex");
  writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  return stored;
}

/** The env variable that carries a service's own DATABASE_URL in the stack's environment (PLANNER_DATABASE_URL). */
export const serviceUrlVariable = (service: ServiceWithRole): string =>
  `${service.toUpperCase().replace(/-/g, "_")}_DATABASE_URL`;

export function roleUrl(adminUrl: string, role: string, password: string, database: string): string {
  const u = new URL(adminUrl);
  u.username = role;
  u.password = password;
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * pg_hba.conf of the local server: the admin without a password on loopback (local only, as before), every other
 * role with scram-sha-256.
 */
export const localHba = [
  "# Written by the local stack (dev/stack/postgres-roles.ts); rewritten on every provisioning.",
  "host all postgres 127.0.0.1/32 trust",
  "host all all 127.0.0.1/32 scram-sha-256",
  "",
].join("\n");

/**
 * Creates the roles (LOGIN, their current password), limits who connects to which database (the services to the
 * exporter's, the reader to the warehouse), makes everything the admin creates in the warehouse readable by the
 * reader and nothing more, and installs localHba (reloading the server when it changed).
 */
export async function ensureLocalRoles(
  adminUrl: string,
  passwords: Readonly<Record<string, string>>,
  databases: { exporter: string; warehouse: string },
  options: { readonly installHba?: boolean } = {},
): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (const role of localRoles) {
      // A migration may have created it (NOLOGIN) first; either way it ends with LOGIN and the stored password.
      await admin.query(
        `DO $$ BEGIN CREATE ROLE ${role}; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
      );
      await admin.query(`ALTER ROLE ${role} LOGIN PASSWORD '${passwords[role] ?? ""}'`);
    }
    const services = Object.values(serviceRoleNames).join(", ");
    await admin.query(`REVOKE CONNECT ON DATABASE ${databases.exporter}, ${databases.warehouse} FROM PUBLIC`);
    await admin.query(`GRANT CONNECT ON DATABASE ${databases.exporter} TO ${services}`);
    await admin.query(`GRANT CONNECT ON DATABASE ${databases.warehouse} TO ${warehouseReaderRole}`);
    const { rows } = await admin.query<{ hba_file: string }>("SHOW hba_file");
    const hbaFile = rows[0]?.hba_file;
    // A server this process does not run (compose's) keeps its own pg_hba.conf: there every login needs a password.
    if (options.installHba !== false && hbaFile !== undefined && readFileSync(hbaFile, "utf8") !== localHba) {
      // Writing keeps the file's owner (the postgres OS user when we run as root).
      writeFileSync(hbaFile, localHba);
      await admin.query("SELECT pg_reload_conf()");
    }
  } finally {
    await admin.end();
  }
  const warehouseUrl = new URL(adminUrl);
  warehouseUrl.pathname = `/${databases.warehouse}`;
  const warehouse = new pg.Client({ connectionString: warehouseUrl.toString() });
  await warehouse.connect();
  try {
    // Demo and test data are created by the admin (seedWarehouse): whatever it creates is readable, read only.
    await warehouse.query(`ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO ${warehouseReaderRole}`);
    await warehouse.query(`ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO ${warehouseReaderRole}`);
    const { rows } = await warehouse.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`,
    );
    for (const { nspname } of rows) {
      await warehouse.query(`GRANT USAGE ON SCHEMA "${nspname}" TO ${warehouseReaderRole}`);
      await warehouse.query(`GRANT SELECT ON ALL TABLES IN SCHEMA "${nspname}" TO ${warehouseReaderRole}`);
    }
  } finally {
    await warehouse.end();
  }
}

/**
 * Role name -> password from the per-service URLs of an environment (compose's init container gets the logins it
 * must create that way); roles without a URL are left out.
 */
export function rolePasswordsFromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const urls = [
    ...(Object.keys(serviceRoleNames) as ServiceWithRole[]).map((s) => env[serviceUrlVariable(s)]),
    env.WAREHOUSE_READER_URL,
  ];
  const passwords: Record<string, string> = {};
  for (const url of urls) {
    if (url === undefined || url === "") continue;
    const u = new URL(url);
    passwords[decodeURIComponent(u.username)] = decodeURIComponent(u.password);
  }
  return passwords;
}
