import { randomBytes } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import pg from "pg";
import { createSecretsManagerClient, ensureSigningSecret } from "@data-exporter/command-signing";
import { configTableNames } from "@data-exporter/config-store";
import { seedDemoConfig, seedWarehouse, type SeedParams, type SeedResult } from "@data-exporter/demo-data";
import { S3ObjectStore } from "@data-exporter/object-store";
import { serviceRoleNames, type ServiceWithRole } from "@data-exporter/postgres";
import { serviceUrlVariable } from "../stack/postgres-roles.js";
import { stackEnv, type StackEndpoints } from "../stack/stack.js";
import { deploymentServiceEnv } from "./service-env.js";

/**
 * The stack's endpoints read back from the environment, where jest's global setup (npm test) or docker compose put
 * them, and the variables services take from it. Throws naming the first missing variable.
 */
export function stackFromEnv(source: NodeJS.ProcessEnv = process.env): {
  endpoints: StackEndpoints;
  env: Record<string, string>;
} {
  const need = (name: string): string => {
    const value = source[name];
    if (!value) throw new Error(`${name} is not set (npm test's jest global setup and docker compose set it)`);
    return value;
  };
  const endpoints: StackEndpoints = {
    kafkaBrokers: need("KAFKA_BROKERS"),
    kafkaSecure: source.KAFKA_SECURE_BROKERS
      ? { brokers: source.KAFKA_SECURE_BROKERS, dir: source.KAFKA_SECURE_DIR ?? "" }
      : undefined,
    postgresAdminUrl: source.POSTGRES_ADMIN_URL || need("DATABASE_URL"),
    databaseUrl: need("DATABASE_URL"),
    warehouseUrl: need("WAREHOUSE_URL"),
    awsEndpointUrl: need("AWS_ENDPOINT_URL"),
    awsRegion: source.AWS_REGION || "ap-southeast-2",
    // Only the unloader needs it; provisioning alone (the compose init container) does not.
    duckdbPostgresExtension: source.DUCKDB_POSTGRES_EXTENSION ?? "",
    redshiftDataEndpoint: source.REDSHIFT_DATA_ENDPOINT || undefined,
    redshiftIamRole: source.REDSHIFT_IAM_ROLE_ARN || undefined,
    // The per-service logins, when the stack has them (all or none).
    ...(Object.keys(serviceRoleNames).every((s) => source[serviceUrlVariable(s as ServiceWithRole)])
      ? {
          serviceDatabaseUrls: Object.fromEntries(
            Object.keys(serviceRoleNames).map((s) => [s, source[serviceUrlVariable(s as ServiceWithRole)] ?? ""]),
          ) as Record<ServiceWithRole, string>,
          warehouseReaderUrl: source.WAREHOUSE_READER_URL || undefined,
        }
      : {}),
  };
  return { endpoints, env: stackEnv(endpoints) };
}

/** Names that isolate one deployment of the exporter on a shared stack (npm start, or one test run). */
export interface DeploymentNames {
  /** Kafka topic prefix ("" for npm start). */
  readonly topicNamespace: string;
  readonly bucket: string;
  /** First segment of object keys. */
  readonly exportEnv: string;
  /** Prefix of the DynamoDB configuration tables. */
  readonly configTablePrefix: string;
  /** PostgreSQL schema of the status read model. */
  readonly statusSchema: string;
  /** Warehouse schema holding the demo tables. */
  readonly warehouseSchema: string;
  readonly snsTopicName: string;
  /** An SQS queue subscribed to the SNS topic, so people and tests can read the notifications. */
  readonly notificationQueueName: string;
  /** Secrets Manager secret the planner signs unload commands with (COMMAND_SIGNING_SECRET_ID). */
  readonly signingSecretName: string;
  /** Glue database the catalog-registrar registers the exports in (GLUE_DATABASE). */
  readonly glueDatabase: string;
}

export const defaultDeployment: DeploymentNames = {
  topicNamespace: "",
  bucket: "data-exporter-local",
  exportEnv: "dev",
  configTablePrefix: "",
  statusSchema: "de_internal",
  warehouseSchema: "pm_internal",
  snsTopicName: "data-exporter-notifications",
  notificationQueueName: "data-exporter-notifications-inbox",
  signingSecretName: "data-exporter/command-signing",
  glueDatabase: "data_exporter_dev",
};

/** The warehouse adapter the services run on: PostgreSQL directly, or Redshift's UNLOAD through the Data API. */
export const warehouseKinds = ["postgres", "redshift"] as const;
export type WarehouseKind = (typeof warehouseKinds)[number];

/** WAREHOUSE as npm start and the harness read it: unset means postgres; anything else but the two kinds throws. */
export function warehouseKindOf(value: string | undefined): WarehouseKind {
  if (value === undefined || value === "") return "postgres";
  const kind = warehouseKinds.find((k) => k === value);
  if (kind === undefined) throw new Error(`WAREHOUSE must be one of ${warehouseKinds.join(", ")} (got "${value}")`);
  return kind;
}

/**
 * The variables that put the planner's catalog and the unloader on the chosen warehouse. Redshift: the stack's Data
 * API emulator, as a provisioned cluster ("local") with a database user, over the warehouse database.
 */
export function warehouseServiceEnv(kind: WarehouseKind, endpoints: StackEndpoints): Record<string, string> {
  if (kind === "postgres") return { WAREHOUSE: "postgres" };
  if (!endpoints.redshiftDataEndpoint || !endpoints.redshiftIamRole)
    throw new Error("WAREHOUSE=redshift needs the stack's Redshift Data API emulator (REDSHIFT_DATA_ENDPOINT)");
  return {
    WAREHOUSE: "redshift",
    REDSHIFT_DATA_ENDPOINT: endpoints.redshiftDataEndpoint,
    REDSHIFT_IAM_ROLE_ARN: endpoints.redshiftIamRole,
    REDSHIFT_CLUSTER_ID: "local",
    REDSHIFT_DB_USER: "awsuser",
    REDSHIFT_DATABASE: decodeURIComponent(new URL(endpoints.warehouseUrl).pathname.slice(1)),
  };
}

export interface ProvisionedDeployment {
  readonly names: DeploymentNames;
  readonly warehouse: WarehouseKind;
  readonly snsTopicArn: string;
  readonly notificationQueueUrl: string;
  readonly seed: SeedResult;
  /** Environment of every service of this deployment (each takes what its config schema names). */
  readonly serviceEnv: Record<string, string>;
}

/**
 * The requestData window of the first demo day: [start, start + 86,400 s) in epoch seconds, the largest window one
 * request may ask for, cut at the end of the seeded data.
 */
export function firstDemoDay(deployment: Pick<ProvisionedDeployment, "seed">): [number, number] {
  const start = Math.floor(deployment.seed.window.start.getTime() / 1000);
  return [start, Math.min(start + 86_400, Math.floor(deployment.seed.window.end.getTime() / 1000))];
}

/**
 * Creates what the services expect to exist (bucket, SNS topic with an SQS inbox, DynamoDB configuration with the
 * demo classification) and loads the demo warehouse data. Idempotent: a second run reuses everything.
 */
export async function provisionDeployment(
  endpoints: StackEndpoints,
  names: DeploymentNames,
  seedParams: SeedParams,
  stackEnv: Readonly<Record<string, string>>,
  warehouse: WarehouseKind = "postgres",
): Promise<ProvisionedDeployment> {
  const warehouseEnv = warehouseServiceEnv(warehouse, endpoints);
  // Credentials come from the SDK chain: the stack's environment (AWS_ACCESS_KEY_ID=test for the emulator).
  const aws = { region: endpoints.awsRegion, endpoint: endpoints.awsEndpointUrl };
  await S3ObjectStore.fromConfig({ bucket: names.bucket, ...aws, forcePathStyle: true }).ensureBucket();

  const sns = new SNSClient(aws);
  const sqs = new SQSClient(aws);
  const dynamo = new DynamoDBClient(aws);
  const secrets = createSecretsManagerClient(aws);
  try {
    // A random key per deployment (kept across runs: an existing secret is reused).
    await ensureSigningSecret(secrets, names.signingSecretName, () => randomBytes(32).toString("hex"));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: names.snsTopicName }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: names.notificationQueueName }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: Attributes?.QueueArn }));

    await seedDemoConfig(dynamo, configTableNames({ prefix: names.configTablePrefix }), {
      schema: names.warehouseSchema,
    });

    const pool = new pg.Pool({ connectionString: endpoints.warehouseUrl, max: 1 });
    let seed: SeedResult;
    try {
      seed = await seedWarehouse(pool, { ...seedParams, schema: names.warehouseSchema });
    } finally {
      await pool.end();
    }
    if (!TopicArn || !QueueUrl) throw new Error("the AWS emulator did not return the SNS topic or SQS queue");
    return {
      names,
      warehouse,
      snsTopicArn: TopicArn,
      notificationQueueUrl: QueueUrl,
      seed,
      serviceEnv: deploymentServiceEnv({ stackEnv, warehouseEnv, names, snsTopicArn: TopicArn }),
    };
  } finally {
    sns.destroy();
    sqs.destroy();
    dynamo.destroy();
    secrets.destroy();
  }
}
