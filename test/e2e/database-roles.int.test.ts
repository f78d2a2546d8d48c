import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { serviceRoleNames, warehouseReaderRole } from "@data-exporter/postgres";
import { waitFor } from "@data-exporter/runtime";
import pg from "pg";
import { SharingAudit } from "../../services/sharing-server/src/adapters/sharing-audit.js";
import {
  firstDemoDay,
  requestData,
  requestStatus,
  stackFromEnv,
  startDeployment,
  waitForExport,
  type TestDeployment,
} from "../../dev/harness/index.js";

/**
 * Least privilege in the exporter's database: every service runs as its own role (the stack's per-service logins,
 * given to each as DATABASE_URL), does its work with only its grants, and PostgreSQL refuses what belongs to another
 * service, with a real permission error (SQLSTATE 42501).
 */
let deployment: TestDeployment;
let schema: string;
let warehouseSchema: string;
const { endpoints } = stackFromEnv();
const logins = endpoints.serviceDatabaseUrls;
const clients: pg.Client[] = [];

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  clients.push(client);
  return client;
}
const as = (service: keyof typeof serviceRoleNames): Promise<pg.Client> => connect(logins?.[service] ?? "");

/** The PostgreSQL error a statement fails with (code and message), or "ok". */
async function outcome(client: pg.Client, sql: string): Promise<string> {
  try {
    await client.query(sql);
    return "ok";
  } catch (error) {
    const e = error as { code?: string; message: string };
    return `${e.code ?? "?"} ${e.message}`;
  }
}

beforeAll(async () => {
  if (logins === undefined || endpoints.warehouseReaderUrl === undefined)
    throw new Error("the stack has no per-service logins (PostgreSQL is external?): this test needs the local stack's");
  deployment = await startDeployment({ label: "roles" });
  schema = deployment.names.statusSchema;
  warehouseSchema = deployment.names.warehouseSchema;
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await deployment?.stop();
});

describe("per-service database roles", () => {
  it("every service works as its own role: an export completes, and each role is the one connected for its service", async () => {
    const [start, end] = firstDemoDay(deployment);
    const requestId = await requestData(deployment.graphqlUrl, start, end);
    const status = await waitForExport(deployment.graphqlUrl, requestId, 180_000);
    expect(status.status).toBe("Completed");
    // Written by the status tracker, the unloader, the planner and the notifier, each under its own role.
    const admin = await connect(endpoints.databaseUrl);
    const counts = async (): Promise<{ jobs: number; leases: number; planned: number; notified: number } | undefined> =>
      (
        await admin.query<{ jobs: number; leases: number; planned: number; notified: number }>(
          `SELECT (SELECT count(*)::int FROM "${schema}".table_export_job_statuses WHERE de_request_id = $1) AS jobs,
                  (SELECT count(*)::int FROM "${schema}".unload_jobs WHERE de_request_id = $1) AS leases,
                  (SELECT count(*)::int FROM "${schema}".planned_requests WHERE de_request_id = $1) AS planned,
                  (SELECT count(*)::int FROM "${schema}".export_notifications WHERE de_request_id = $1) AS notified`,
          [requestId],
        )
      ).rows[0];
    // The notifier announces the export after it completed: wait for its record.
    const row = await waitFor(
      "the notifier's record",
      async () => ((await counts())?.notified === 1 ? counts() : undefined),
      {
        timeoutMs: 30_000,
        intervalMs: 200,
      },
    ).catch((error: unknown) => {
      throw new Error(
        `${(error as Error).message}\n${deployment.logs
          .filter((l) => l.startsWith("notifier"))
          .slice(-20)
          .join("\n")}`,
      );
    });
    expect(row?.jobs).toBeGreaterThan(0);
    expect(row?.leases).toBe(row?.jobs);
    expect(row?.planned).toBe(1);
    // Each service's connections log in as its role (pg_stat_activity), never as the admin.
    const seen = await waitFor(
      "every service role connected",
      async () => {
        await requestStatus(deployment.graphqlUrl, requestId);
        const r = await admin.query<{ usename: string }>(
          "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND usename LIKE 'data\\_exporter\\_%'",
        );
        const names = r.rows.map((row) => row.usename);
        return ["planner", "unloader", "status-tracker", "request-api"].every((s) =>
          names.includes(serviceRoleNames[s as keyof typeof serviceRoleNames]),
        )
          ? names
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(seen).toEqual(expect.arrayContaining([serviceRoleNames.planner, serviceRoleNames["request-api"]]));
  });

  it("request-api reads the read model but cannot change it nor touch the unloader's tables", async () => {
    const api = await as("request-api");
    expect(await outcome(api, `SELECT count(*) FROM "${schema}".request_table`)).toBe("ok");
    expect(await outcome(api, `UPDATE "${schema}".unload_jobs SET attempts = attempts + 1`)).toBe(
      "42501 permission denied for table unload_jobs",
    );
    expect(await outcome(api, `DELETE FROM "${schema}".request_table`)).toBe(
      "42501 permission denied for table request_table",
    );
    expect(await outcome(api, `UPDATE "${schema}".table_export_job_statuses SET status = 'COMPLETED'`)).toBe(
      "42501 permission denied for table table_export_job_statuses",
    );
    expect(await outcome(api, `SELECT * FROM "${schema}".planner_outbox`)).toBe(
      "42501 permission denied for table planner_outbox",
    );
  });

  it("the notifier cannot read the warehouse nor the read model", async () => {
    const notifierUrl = new URL(logins?.notifier ?? "");
    notifierUrl.pathname = new URL(endpoints.warehouseUrl).pathname;
    expect(
      await connect(notifierUrl.toString()).then(
        () => "ok",
        (e: { code?: string; message: string }) => `${e.code} ${e.message}`,
      ),
    ).toMatch(new RegExp(`^42501 permission denied for database "?${notifierUrl.pathname.slice(1)}"?$`));
    const notifier = await as("notifier");
    expect(await outcome(notifier, `SELECT * FROM "${schema}".request_table`)).toBe(
      "42501 permission denied for table request_table",
    );
    expect(await outcome(notifier, `SELECT * FROM "${schema}".export_notifications`)).toBe("ok");
  });

  it("the sharing server reads the read model and appends to its audit, nothing more", async () => {
    // Its start-up migration through the schema owner (MIGRATION_DATABASE_URL), then its work as its own role.
    const owner = new pg.Pool({ connectionString: endpoints.databaseUrl, max: 1 });
    await new SharingAudit(owner, schema).migrate().finally(() => owner.end());
    const own = new pg.Pool({ connectionString: logins?.["sharing-server"] ?? "", max: 1 });
    try {
      const audit = new SharingAudit(own, schema);
      await audit.migrate(); // already migrated: no DDL needed, none attempted
      const requestId = "00000000-0000-4000-8000-00000000a0d1";
      await audit.record([
        {
          recipient: "roles-test",
          share: "s",
          schema: "scheduled",
          table: "t",
          requestId,
          bucket: "b",
          key: "dev/k.parquet",
          versionId: null,
          servedAt: Date.now(),
          linkExpiresAt: Date.now() + 60_000,
        },
      ]);
    } finally {
      await own.end();
    }
    const admin = await connect(endpoints.databaseUrl);
    const { rows } = await admin.query<{ recipient: string }>(
      `SELECT recipient FROM "${schema}".sharing_audit WHERE de_request_id = '00000000-0000-4000-8000-00000000a0d1'`,
    );
    expect(rows.map((r) => r.recipient)).toEqual(["roles-test"]);
    const sharing = await as("sharing-server");
    expect(await outcome(sharing, `SELECT count(*) FROM "${schema}".request_table`)).toBe("ok");
    expect(await outcome(sharing, `SELECT count(*) FROM "${schema}".table_export_job_statuses`)).toBe("ok");
    expect(await outcome(sharing, `UPDATE "${schema}".request_table SET bucket = bucket`)).toBe(
      "42501 permission denied for table request_table",
    );
    // The audit is append-only for it: it neither reads nor rewrites what it recorded.
    expect(await outcome(sharing, `SELECT * FROM "${schema}".sharing_audit`)).toBe(
      "42501 permission denied for table sharing_audit",
    );
    expect(await outcome(sharing, `DELETE FROM "${schema}".sharing_audit`)).toBe(
      "42501 permission denied for table sharing_audit",
    );
    expect(await outcome(sharing, `SELECT * FROM "${schema}".unload_jobs`)).toBe(
      "42501 permission denied for table unload_jobs",
    );
    expect(await outcome(sharing, `SELECT * FROM "${schema}".link_grants`)).toBe(
      "42501 permission denied for table link_grants",
    );
  });

  it("the catalog-registrar keeps to its registrations: no read model, no DELETE", async () => {
    const registrar = await as("catalog-registrar");
    expect(await outcome(registrar, `SELECT count(*) FROM "${schema}".catalog_registrations`)).toBe("ok");
    expect(await outcome(registrar, `UPDATE "${schema}".catalog_registrations SET attempts = attempts`)).toBe("ok");
    expect(await outcome(registrar, `DELETE FROM "${schema}".catalog_registrations`)).toBe(
      "42501 permission denied for table catalog_registrations",
    );
    expect(await outcome(registrar, `SELECT * FROM "${schema}".request_table`)).toBe(
      "42501 permission denied for table request_table",
    );
  });

  it("each service keeps to its own tables: no cross writes, no DDL, no DELETE", async () => {
    const unloader = await as("unloader");
    expect(
      await outcome(
        unloader,
        `INSERT INTO "${schema}".planner_outbox (de_request_id, topic, event_type, payload) VALUES ('00000000-0000-4000-8000-000000000000', 't', 'e', '{}')`,
      ),
    ).toBe("42501 permission denied for table planner_outbox");
    expect(await outcome(unloader, `CREATE TABLE "${schema}".intruder (id int)`)).toBe(
      `42501 permission denied for schema ${schema}`,
    );
    expect(await outcome(unloader, `DELETE FROM "${schema}".unload_jobs`)).toBe(
      "42501 permission denied for table unload_jobs",
    );
    const tracker = await as("status-tracker");
    expect(await outcome(tracker, `SELECT count(*) FROM "${schema}".unload_jobs`)).toBe("ok");
    expect(await outcome(tracker, `UPDATE "${schema}".unload_jobs SET attempts = 0`)).toBe(
      "42501 permission denied for table unload_jobs",
    );
    const planner = await as("planner");
    expect(await outcome(planner, `SELECT * FROM "${schema}".export_notifications`)).toBe(
      "42501 permission denied for table export_notifications",
    );
  });

  it("the warehouse is read only, and only through the warehouse reader", async () => {
    const reader = await connect(endpoints.warehouseReaderUrl ?? "");
    const { rows } = await reader.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1 LIMIT 1",
      [warehouseSchema],
    );
    const table = `"${warehouseSchema}"."${rows[0]?.table_name ?? "missing"}"`;
    expect(await outcome(reader, `SELECT count(*) FROM ${table}`)).toBe("ok");
    expect(await outcome(reader, `DELETE FROM ${table}`)).toBe(
      `42501 permission denied for table ${rows[0]?.table_name}`,
    );
    expect(await outcome(reader, `CREATE TABLE "${warehouseSchema}".intruder (id int)`)).toBe(
      `42501 permission denied for schema ${warehouseSchema}`,
    );
    const exporterAsReader = new URL(endpoints.warehouseReaderUrl ?? "");
    exporterAsReader.pathname = new URL(endpoints.databaseUrl).pathname;
    expect(
      await connect(exporterAsReader.toString()).then(
        () => "ok",
        (e: { code?: string }) => e.code,
      ),
    ).toBe("42501");
    expect(warehouseReaderRole).toBe(new URL(endpoints.warehouseReaderUrl ?? "").username);
  });

  it("a role's login needs its password (scram), unlike the local admin", async () => {
    const wrong = new URL(logins?.["request-api"] ?? "");
    wrong.password = "not-the-password";
    expect(
      await connect(wrong.toString()).then(
        () => "ok",
        (e: { code?: string }) => e.code,
      ),
    ).toBe("28P01");
  });
});
