/**
 * Creates the exporter's resources (bucket, SNS topic with its SQS inbox, DynamoDB configuration with the demo
 * classification) and loads the demo warehouse data, against endpoints taken from the environment: the one-shot
 * `init` container of docker-compose.yml. `npm start` does the same for the local stack it provisions.
 */
import { demoScales } from "@data-exporter/demo-data";
import { defaultDeployment, provisionDeployment, stackFromEnv } from "../harness/provision.js";
import { ensureDatabases } from "../stack/postgres.js";
import { ensureLocalRoles, rolePasswordsFromEnv } from "../stack/postgres-roles.js";

function fail(message: string): never {
  process.stderr.write(`provision: ${message}\n`);
  process.exit(2);
}

const databaseOf = (url: string): string => new URL(url).pathname.slice(1);

const scale = (process.env.DEMO_SCALE ?? "default") as keyof typeof demoScales;
if (!(scale in demoScales)) fail(`DEMO_SCALE must be one of ${Object.keys(demoScales).join(", ")}`);
const endpoints = (() => {
  try {
    return stackFromEnv().endpoints;
  } catch (error) {
    return fail((error as Error).message);
  }
})();
// The databases as the local stack creates them (dev/stack/postgres.ts), so compose stays in step with it.
await ensureDatabases(endpoints.postgresAdminUrl, endpoints.warehouseUrl);
// The per-service logins compose gives the services (their <SERVICE>_DATABASE_URL), as the local stack creates them.
const rolePasswords = rolePasswordsFromEnv(process.env);
if (Object.keys(rolePasswords).length > 0)
  await ensureLocalRoles(
    endpoints.postgresAdminUrl,
    rolePasswords,
    { exporter: databaseOf(endpoints.databaseUrl), warehouse: databaseOf(endpoints.warehouseUrl) },
    { installHba: false },
  );
const deployment = await provisionDeployment(endpoints, defaultDeployment, demoScales[scale], {});
process.stdout.write(
  `provisioned bucket ${defaultDeployment.bucket}, SNS ${deployment.snsTopicArn}, demo data ` +
    `${deployment.seed.skipped ? "already loaded" : "loaded"} (${Object.entries(deployment.seed.rowCounts)
      .map(([table, rows]) => `${table}=${rows}`)
      .join(", ")})\n`,
);
