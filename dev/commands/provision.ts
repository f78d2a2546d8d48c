/**
 * Creates the exporter's resources (bucket, SNS topic with its SQS inbox, DynamoDB configuration with the demo
 * classification) and loads the demo warehouse data, against endpoints taken from the environment: the one-shot
 * `init` container of docker-compose.yml. `npm start` does the same for the local stack it provisions.
 */
import { demoScales } from "@data-exporter/demo-data";
import { defaultDeployment, provisionDeployment } from "../harness/provision.js";

function need(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`provision: ${name} is required but not set\n`);
    process.exit(2);
  }
  return value;
}

const scale = (process.env.DEMO_SCALE ?? "default") as keyof typeof demoScales;
if (!(scale in demoScales)) {
  process.stderr.write(`provision: DEMO_SCALE must be one of ${Object.keys(demoScales).join(", ")}\n`);
  process.exit(2);
}
const endpoints = {
  kafkaBrokers: need("KAFKA_BROKERS"),
  postgresAdminUrl: process.env.POSTGRES_ADMIN_URL ?? need("DATABASE_URL"),
  databaseUrl: need("DATABASE_URL"),
  warehouseUrl: need("WAREHOUSE_URL"),
  awsEndpointUrl: need("AWS_ENDPOINT_URL"),
  awsRegion: process.env.AWS_REGION ?? "ap-southeast-2",
  duckdbPostgresExtension: process.env.DUCKDB_POSTGRES_EXTENSION ?? "",
};
const deployment = await provisionDeployment(endpoints, defaultDeployment, demoScales[scale], {});
process.stdout.write(
  `provisioned bucket ${defaultDeployment.bucket}, SNS ${deployment.snsTopicArn}, demo data ` +
    `${deployment.seed.skipped ? "already loaded" : "loaded"} (${Object.entries(deployment.seed.rowCounts)
      .map(([table, rows]) => `${table}=${rows}`)
      .join(", ")})\n`,
);
