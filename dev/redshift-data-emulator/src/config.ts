import { tmpdir } from "node:os";
import { env } from "@data-exporter/runtime";
import { z } from "zod";

/** Role the emulated cluster has associated (and uses for IAM_ROLE default) unless REDSHIFT_EMULATOR_IAM_ROLES says. */
export const DEFAULT_IAM_ROLE = "arn:aws:iam::123456789012:role/redshift-data-emulator";

/** The emulator's environment, parsed once at start-up. */
export const configSchema = z.object({
  LOG_LEVEL: env.logLevel(),
  SHUTDOWN_TIMEOUT_MS: env.positiveInt().default(15000),
  REDSHIFT_EMULATOR_HOST: z.string().default("127.0.0.1"),
  REDSHIFT_EMULATOR_PORT: env.port().default(4010),
  /** The PostgreSQL server standing in for the cluster; each statement connects to its Database on it. */
  REDSHIFT_EMULATOR_POSTGRES_URL: env.url(),
  /** Database of a call that names none (it authenticates with a secret, whose dbname the emulator cannot read). */
  REDSHIFT_EMULATOR_DEFAULT_DATABASE: env.string().default("dev"),
  /** Roles associated with the cluster, comma-separated; the first is its default. Others fail UNLOAD. */
  REDSHIFT_EMULATOR_IAM_ROLES: env.list().default([DEFAULT_IAM_ROLE]),
  /** Account of the cluster, in the ARNs of permission errors. */
  REDSHIFT_EMULATOR_ACCOUNT_ID: z
    .string()
    .regex(/^\d{12}$/, "must be 12 digits")
    .default("123456789012"),
  REDSHIFT_EMULATOR_MAX_CONCURRENCY: env.positiveInt().default(4),
  REDSHIFT_EMULATOR_MAX_ACTIVE_STATEMENTS: env.positiveInt().default(500),
  REDSHIFT_EMULATOR_HISTORY_LIMIT: env.positiveInt().default(10000),
  REDSHIFT_EMULATOR_PAGE_RECORDS: env.positiveInt().default(1000),
  REDSHIFT_EMULATOR_ROW_GROUP_ROWS: env.positiveInt().default(8192),
  REDSHIFT_EMULATOR_TEMP_DIR: env.string().default(tmpdir()),
  REDSHIFT_EMULATOR_DUCKDB_MEMORY_LIMIT: env.string().default("256MB"),
  DUCKDB_POSTGRES_EXTENSION: env.string(),
  AWS_REGION: z.string().default("ap-southeast-2"),
  /** The S3 emulator (moto); unset means AWS itself. */
  AWS_ENDPOINT_URL: env.url().optional(),
  S3_FORCE_PATH_STYLE: env.bool().default(false),
});

export type Config = Readonly<z.infer<typeof configSchema>>;
