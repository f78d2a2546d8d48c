import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import {
  awsEnv,
  commandSigningEnv,
  commonEnvSchema,
  env,
  exportBucketEnv,
  stateDatabaseEnv,
  stuckAfterEnv,
  warehouseEnv,
  warehouseProblems,
} from "@data-exporter/runtime";

export const configSchema = commonEnvSchema
  .extend({
    HEALTH_PORT: env.port().default(4003),
    /** The warehouse: PostgreSQL (DuckDB's postgres extension) or Redshift (Data API UNLOAD). */
    ...warehouseEnv,
    /** Redshift: the role UNLOAD writes to S3 with (it needs PutObject on the staging prefix only). */
    REDSHIFT_IAM_ROLE_ARN: z.string().startsWith("arn:", "must be an IAM role ARN").optional(),
    /**
     * Redshift: UNLOAD PARALLEL ON writes one file per slice at once (faster on a large cluster, files named
     * `{table}_0000_part_00.parquet` in staging); OFF, one writer (`{table}_000.parquet`). The published files are
     * named `{table}_000.parquet`, ... either way.
     */
    REDSHIFT_UNLOAD_PARALLEL: env.bool().default(false),
    /** Redshift: private prefix of the export bucket UNLOAD writes to before the unloader publishes. */
    REDSHIFT_STAGING_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-][A-Za-z0-9_.-]*\/$/, "a folder name ending in /")
      .default("_staging/"),
    ...exportBucketEnv,
    /** Secret key of hwc keyed hashes; at least 16 characters. Never logged. */
    HASH_KEY: z.string().min(16, "must be at least 16 characters"),
    /** postgres_scanner.duckdb_extension matching DuckDB 1.5.5 (provisioned by dev/stack or baked into the image). */
    DUCKDB_POSTGRES_EXTENSION: env.string().optional(),
    /**
     * The native hmac extension (packages/warehouse/native/hmac, built by dev/stack or in the image): KEYED_HASH at
     * about a ninth of the CPU. Unset: the same hashes computed in DuckDB SQL (slower).
     */
    DUCKDB_HMAC_EXTENSION: env.string().optional(),
    /** A table's Parquet output is split into files of about this size (`{table}_000.parquet`, `_001`, …). */
    MAX_FILE_BYTES: env.positiveInt().default(256 * 1024 * 1024),
    /** Rows per Parquet row group (DuckDB's default). */
    ROW_GROUP_SIZE: env.positiveInt().default(122_880),
    /** Memory DuckDB may use while writing Parquet; beyond it, it spills to UNLOAD_TEMP_DIR. */
    DUCKDB_MEMORY_LIMIT: z.string().default("512MB"),
    /** Local scratch space for Parquet files before upload (removed after each unload). */
    UNLOAD_TEMP_DIR: z.string().default(join(tmpdir(), "data-exporter-unloader")),
    /**
     * Retries after the first attempt of a table before it is FAILED. With the backoff below (doubling from
     * RETRY_BACKOFF_MS, capped at RETRY_BACKOFF_MAX_MS, half of each delay random) the retries span about 2 to 2.5
     * minutes, so a warehouse or S3 outage of a minute or two does not fail a table for good.
     */
    MAX_RETRY_COUNT: env.nonNegativeInt().default(5),
    /** First delay between attempts of a table; it doubles, capped at RETRY_BACKOFF_MAX_MS. */
    RETRY_BACKOFF_MS: env.positiveInt().default(5000),
    /** Cap of the delay between attempts of a table. */
    RETRY_BACKOFF_MAX_MS: env.positiveInt().default(120_000),
    /**
     * How long an unload goes on after its slot's database connection dropped (the exporter database restarting),
     * trying to get a slot back, before it is stopped and retried.
     */
    SLOT_REACQUIRE_MS: env.positiveInt().default(60_000),
    /** An attempt still running after this long is cancelled (its warehouse statement too) and retried. */
    UNLOAD_TIMEOUT_MS: env.positiveInt().default(60 * 60 * 1000),
    /** Commands planned longer ago are refused rather than run under classification rules that may have changed. */
    MAX_COMMAND_AGE_MS: env.positiveInt().default(24 * 60 * 60 * 1000),
    /** This unloader's name in leases, heartbeats and logs. */
    WORKER_ID: z.string().default(`${hostname()}-${process.pid}`),
    /** Exporter state database: unload slots (advisory locks) and the unloader's own unload_jobs. */
    ...stateDatabaseEnv,
    /** A running attempt's lease: renewed every UNLOAD_HEARTBEAT_MS; one not renewed for this long is fenced. */
    ...stuckAfterEnv,
    /** How often a running attempt renews its lease and publishes TableUnloadHeartbeat (well inside STUCK_AFTER_MS). */
    UNLOAD_HEARTBEAT_MS: env.positiveInt().min(100).default(10_000),
    /**
     * Unloads running at once across every unloader replica of the deployment (replicas sharing TOPIC_NAMESPACE and
     * DATABASE_URL), so the warehouse sees a bounded load however far the unloaders are scaled.
     */
    MAX_CONCURRENCY_LIMIT: env.positiveInt().default(4),
    /**
     * Unload commands one replica handles at once (partitions of the unload-commands topic consumed concurrently);
     * each holds a DuckDB instance of up to DUCKDB_MEMORY_LIMIT, so size the container for both.
     */
    UNLOAD_PARALLELISM: env.positiveInt().default(2),
    ...awsEnv,
    /** A command is run only when signed with this secret's AWSCURRENT or AWSPREVIOUS version. */
    ...commandSigningEnv,
  })
  .superRefine((config, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (config.UNLOAD_HEARTBEAT_MS * 3 > config.STUCK_AFTER_MS)
      problem(
        "UNLOAD_HEARTBEAT_MS",
        "must be at most a third of STUCK_AFTER_MS (a lease survives two missed renewals)",
      );
    for (const p of warehouseProblems(config)) problem(p.path, p.message);
    if (config.WAREHOUSE === "postgres" && !config.DUCKDB_POSTGRES_EXTENSION)
      problem("DUCKDB_POSTGRES_EXTENSION", "is required with WAREHOUSE=postgres");
    if (config.WAREHOUSE === "redshift" && !config.REDSHIFT_IAM_ROLE_ARN)
      problem("REDSHIFT_IAM_ROLE_ARN", "is required with WAREHOUSE=redshift");
  });

export type Config = z.infer<typeof configSchema>;
