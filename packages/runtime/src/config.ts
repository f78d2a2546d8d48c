import { z } from "zod";
import { isSchemaName } from "@data-exporter/postgres";
import { ConfigError } from "./errors.js";
import { kafkaSecurityProblems } from "./kafka-security-config.js";

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses the environment once with a schema of variable names. Every problem is reported together, naming the
 * variable, so an operator fixes a deployment in one go. The result is frozen.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Env): Readonly<z.infer<S>> {
  const result = schema.safeParse(env);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => {
        const name = issue.path.join(".") || "(environment)";
        const value = env[String(issue.path[0])];
        return value === undefined ? `${name}: is required but not set` : `${name}: ${issue.message}`;
      });
  // The Kafka security combination is checked here rather than by each schema's superRefine: every process that
  // takes the Kafka variables (services, trigger, dlq, rebuild) gets the same check without repeating it.
  if ("KAFKA_SSL" in schema.shape) problems.push(...kafkaSecurityEnvProblems(env));
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(result.data);
}

/** The combination problems of the Kafka security variables, once each of them parses on its own. */
function kafkaSecurityEnvProblems(env: Env): string[] {
  const parsed = z.object(kafkaSecurityEnv).safeParse(env);
  return parsed.success ? kafkaSecurityProblems(parsed.data).map((p) => `${p.path}: ${p.message}`) : [];
}

/** Reusable variable parsers. */
export const env = {
  string: () => z.string().trim().min(1, "must not be empty"),
  port: () => z.coerce.number().int().min(0).max(65535),
  positiveInt: () => z.coerce.number().int().positive(),
  nonNegativeInt: () => z.coerce.number().int().min(0),
  url: () => z.url(),
  /** A schema of the exporter's tables: pasted into SQL, so a plain lower-case identifier. */
  schemaName: () => z.string().refine(isSchemaName, "must be a lower-case identifier ([a-z_][a-z0-9_]*)"),
  bool: () =>
    z
      .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
      .transform((v) => v === "true" || v === "1" || v === "yes"),
  logLevel: () => z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  /** Comma-separated list, e.g. KAFKA_BROKERS=a:9092,b:9092 */
  list: () =>
    z
      .string()
      .transform((v) =>
        v
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      )
      .pipe(z.array(z.string()).min(1, "must list at least one value")),
};

/**
 * How a Kafka client protects and authenticates its connection (docs/operations.md, Connecting to Amazon MSK). Unset,
 * it speaks PLAINTEXT, which only the local stack offers. `kafkaSecurityProblems` rejects incomplete or contradictory
 * combinations at start-up.
 */
export const kafkaSecurityEnv = {
  /** Connect over TLS (Amazon MSK's TLS, SCRAM and IAM listeners; the local stack's secured listener). */
  KAFKA_SSL: env.bool().default(false),
  /** PEM file of the CA(s) the brokers' certificates chain to; unset, Node's public CAs (enough for Amazon MSK). */
  KAFKA_SSL_CA_FILE: env.string().optional(),
  /** PEM client certificate for mutual TLS (with KAFKA_SSL_KEY_FILE). */
  KAFKA_SSL_CERT_FILE: env.string().optional(),
  /** PEM private key of KAFKA_SSL_CERT_FILE (unencrypted). */
  KAFKA_SSL_KEY_FILE: env.string().optional(),
  /** Name the broker certificates must carry when it differs from the host in KAFKA_BROKERS (SNI, hostname check). */
  KAFKA_SSL_SERVERNAME: env.string().optional(),
  /**
   * SASL authentication: plain, scram-sha-256 or scram-sha-512 (with KAFKA_SASL_USERNAME and a password), or
   * aws-msk-iam (Amazon MSK IAM with the AWS default credential chain; needs KAFKA_SSL and KAFKA_SASL_AWS_REGION).
   */
  KAFKA_SASL_MECHANISM: z.enum(["plain", "scram-sha-256", "scram-sha-512", "aws-msk-iam"]).optional(),
  /** SASL user (PLAIN, SCRAM). */
  KAFKA_SASL_USERNAME: env.string().optional(),
  /** SASL password (PLAIN, SCRAM); or KAFKA_SASL_PASSWORD_FILE. Never logged. */
  KAFKA_SASL_PASSWORD: env.string().optional(),
  /** File holding the SASL password (a mounted secret), instead of KAFKA_SASL_PASSWORD; one trailing newline ignored. */
  KAFKA_SASL_PASSWORD_FILE: env.string().optional(),
  /** aws-msk-iam: region of the MSK cluster the token is signed for (usually AWS_REGION). */
  KAFKA_SASL_AWS_REGION: env.string().optional(),
};

/** Kafka connection: every process that publishes or consumes (the trigger too). */
export const kafkaEnv = {
  /** Kafka bootstrap brokers, comma-separated (host:port,host:port). */
  KAFKA_BROKERS: env.list(),
  /** Client id the broker sees (its logs and quotas). */
  KAFKA_CLIENT_ID: z.string().default("data-exporter"),
  /** Prefix for every topic and group name; lets tests and parallel stacks share one broker. */
  TOPIC_NAMESPACE: z.string().default(""),
  ...kafkaSecurityEnv,
};

/** How consumers retry and how the group watches them. */
export const consumerEnv = {
  /**
   * Attempts of a handler whose error is retryable (a database or AWS outage) before its message goes to the
   * dead-letter topic; with the backoff capped at HANDLER_RETRY_MAX_MS the default rides out about 13 minutes.
   */
  HANDLER_MAX_ATTEMPTS: env.positiveInt().default(30),
  /** Cap of the doubling backoff between a handler's retries. */
  HANDLER_RETRY_MAX_MS: env.positiveInt().default(30000),
  /** How soon the group notices a consumer that died without leaving (kafkajs's default; the broker's minimum is 6 s). */
  KAFKA_SESSION_TIMEOUT_MS: env.positiveInt().min(6000).default(30000),
  /** How often consumer lag is measured for /metrics. */
  CONSUMER_LAG_INTERVAL_MS: env.positiveInt().min(100).default(15000),
};

/** The exporter's own PostgreSQL database (state and read model) and the schema its tables live in. */
export const stateDatabaseEnv = {
  /** libpq URL of the exporter's own PostgreSQL database (state and read model; not the warehouse). */
  DATABASE_URL: env.url(),
  /**
   * The same database as the role that owns the exporter's schema: when set, the service runs its migrations (DDL,
   * grants to the per-service roles) through it and everything else through DATABASE_URL, which can then be a role
   * with only its service's grants (docs/operations.md, "Database roles"). Unset: DATABASE_URL migrates too.
   */
  MIGRATION_DATABASE_URL: env.url().optional(),
  /** Schema of the exporter's tables in that database. */
  STATUS_SCHEMA: env.schemaName().default("de_internal"),
};

/** AWS SDK clients (S3, DynamoDB, SNS); credentials come from the SDK's default chain. */
export const awsEnv = {
  /** Region of the bucket, the configuration tables and the SNS topic. */
  AWS_REGION: z.string().default("ap-southeast-2"),
  /** An emulator's endpoint (moto locally); unset in AWS. */
  AWS_ENDPOINT_URL: env.url().optional(),
};

/**
 * The secret unload commands are signed with (planner) and verified against (unloader): a forged command, even one
 * written straight to the topic, is refused.
 */
export const commandSigningEnv = {
  /**
   * Secrets Manager secret (name or ARN) whose string value is the HMAC key of unload commands: the planner signs with
   * its AWSCURRENT version, the unloader accepts AWSCURRENT and AWSPREVIOUS (rotation: docs/operations.md).
   */
  COMMAND_SIGNING_SECRET_ID: env.string(),
  /** How often the signing secret is read again, so a rotation reaches every process within it. */
  COMMAND_SIGNING_KEY_REFRESH_MS: env.positiveInt().min(100).default(300_000),
};

/** The deployment's key prefix in the export bucket: the planner writes under it, request-api links only inside it. */
export const exportEnvEnv = {
  /** First segment of every object key: dev, staging, prod. */
  EXPORT_ENV: z
    .string()
    .regex(/^[a-z0-9-]+$/, "lower-case letters, digits and '-' only")
    .default("dev"),
};

/** The export bucket. */
export const exportBucketEnv = {
  /** The export bucket (versioned: each request's links are pinned to the versions it wrote). */
  EXPORT_BUCKET: env.string(),
  /** Path-style URLs (required by emulators such as moto). */
  S3_FORCE_PATH_STYLE: env.bool().default(false),
};

/**
 * How long a running table job may go without renewing its lease before it counts as stuck: the unloader's lease
 * length and the status tracker's sweep threshold, so both sides judge a stall by the same number.
 */
export const stuckAfterEnv = {
  /**
   * A running table job that has not renewed its lease for this long is stuck: the unloader's lease length and the
   * status tracker's sweep threshold.
   */
  STUCK_AFTER_MS: env.positiveInt().min(1000).default(300_000),
};

/**
 * Every export's overall deadline, from its request: the status tracker fails what is unfinished by then, and the
 * planner does not plan a request older than it. Keep it above MAX_COMMAND_AGE_MS + UNLOAD_TIMEOUT_MS, so a
 * command still queued or running at the deadline is one the unloader would refuse or time out anyway.
 */
export const deadlineEnv = {
  /**
   * Every export's deadline from its request (a retry's from its plan): the status tracker fails what is unfinished
   * by then; keep it above MAX_COMMAND_AGE_MS + UNLOAD_TIMEOUT_MS.
   */
  REQUEST_DEADLINE_MS: env
    .positiveInt()
    .min(1000)
    .default(26 * 60 * 60 * 1000),
};

/**
 * Where the export configuration lives and the deployment's extra PII deny patterns: the planner plans with them, and
 * request-api computes the same configuration version from them (to reuse an export made under the current rules).
 */
export const classificationEnv = {
  /** Prefix of the four DynamoDB configuration tables (export_tables, data_column_classification, ...). */
  CONFIG_TABLE_PREFIX: z.string().default(""),
  /**
   * Extra deny-list patterns (case-insensitive regular expressions) added to the default list, as a JSON array of
   * strings (`["ssn", "tax_?file"]`); a regex may hold commas (`\\d{2,4}`), so no comma splitting.
   */
  PII_DENY_PATTERNS: z
    .string()
    .default("[]")
    .transform((text, ctx) => {
      try {
        const parsed: unknown = JSON.parse(text);
        if (Array.isArray(parsed) && parsed.every((p): p is string => typeof p === "string" && p.trim() !== "")) {
          return parsed;
        }
      } catch {
        // reported below
      }
      ctx.addIssue({
        code: "custom",
        message: 'must be a JSON array of non-empty strings, e.g. ["ssn", "tax_?file"]',
      });
      return z.NEVER;
    }),
};

/**
 * Which warehouse the exports read, and how to reach it: PostgreSQL by URL (locally, and the default), or Redshift
 * through the Data API on a provisioned cluster (REDSHIFT_CLUSTER_ID with REDSHIFT_SECRET_ARN or REDSHIFT_DB_USER) or
 * a Serverless workgroup (REDSHIFT_WORKGROUP). `warehouseProblems` says what a choice is missing.
 */
export const warehouseEnv = {
  /** Which warehouse the exports read: postgres (WAREHOUSE_URL) or redshift (the Data API). */
  WAREHOUSE: z.enum(["postgres", "redshift"]).default("postgres"),
  /** PostgreSQL: libpq URL of the warehouse. */
  WAREHOUSE_URL: env.url().optional(),
  /** Redshift: the Data API endpoint (the local emulator); unset in AWS. */
  REDSHIFT_DATA_ENDPOINT: env.url().optional(),
  /** Redshift: the database the tables are in. */
  REDSHIFT_DATABASE: z.string().optional(),
  /** Redshift: a provisioned cluster (with REDSHIFT_SECRET_ARN or REDSHIFT_DB_USER); or set REDSHIFT_WORKGROUP. */
  REDSHIFT_CLUSTER_ID: z.string().optional(),
  /** Redshift Serverless: the workgroup (instead of REDSHIFT_CLUSTER_ID). */
  REDSHIFT_WORKGROUP: z.string().optional(),
  /** Redshift: Secrets Manager secret with the database credentials (a cluster). */
  REDSHIFT_SECRET_ARN: z.string().startsWith("arn:", "must be a Secrets Manager ARN").optional(),
  /** Redshift: database user for temporary credentials (a cluster, instead of a secret). */
  REDSHIFT_DB_USER: z.string().optional(),
};

/** What the chosen warehouse's variables lack, for a schema's superRefine (one message per variable). */
export function warehouseProblems(config: {
  /** Which warehouse the exports read: postgres (WAREHOUSE_URL) or redshift (the Data API). */
  WAREHOUSE: "postgres" | "redshift";
  WAREHOUSE_URL?: string | undefined;
  REDSHIFT_DATABASE?: string | undefined;
  REDSHIFT_CLUSTER_ID?: string | undefined;
  REDSHIFT_WORKGROUP?: string | undefined;
  REDSHIFT_SECRET_ARN?: string | undefined;
  REDSHIFT_DB_USER?: string | undefined;
}): { path: string; message: string }[] {
  if (config.WAREHOUSE === "postgres")
    return config.WAREHOUSE_URL ? [] : [{ path: "WAREHOUSE_URL", message: "is required with WAREHOUSE=postgres" }];
  const problems: { path: string; message: string }[] = [];
  if (!config.REDSHIFT_DATABASE)
    problems.push({ path: "REDSHIFT_DATABASE", message: "is required with WAREHOUSE=redshift" });
  if (!config.REDSHIFT_CLUSTER_ID === !config.REDSHIFT_WORKGROUP)
    problems.push({
      path: "REDSHIFT_CLUSTER_ID",
      message: "set either it (a cluster) or REDSHIFT_WORKGROUP (Serverless)",
    });
  if (config.REDSHIFT_CLUSTER_ID && !config.REDSHIFT_SECRET_ARN && !config.REDSHIFT_DB_USER)
    problems.push({ path: "REDSHIFT_SECRET_ARN", message: "a cluster needs REDSHIFT_SECRET_ARN or REDSHIFT_DB_USER" });
  return problems;
}

/** Variables every long-running service shares. */
export const commonEnvSchema = z.object({
  /** Least severe level logged (JSON lines on stdout). */
  LOG_LEVEL: env.logLevel(),
  ...kafkaEnv,
  /** Port of /healthz, /readyz and /metrics. */
  HEALTH_PORT: env.port(),
  /** How long a stopping service waits for in-flight work before it exits anyway. */
  SHUTDOWN_TIMEOUT_MS: env.positiveInt().default(15000),
  ...consumerEnv,
});
