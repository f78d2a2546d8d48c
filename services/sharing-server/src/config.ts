import { z } from "zod";
import { awsEnv, commonEnvSchema, env, exportBucketEnv, exportEnvEnv, stateDatabaseEnv } from "@data-exporter/runtime";

// No Kafka (it reads the read model and the bucket) and no HEALTH_PORT (health is on PORT): neither is asked for.
export const configSchema = commonEnvSchema.pick({ LOG_LEVEL: true, SHUTDOWN_TIMEOUT_MS: true }).extend({
  /** The Delta Sharing API's port; /healthz, /readyz and /metrics are served on it too. */
  PORT: env.port().default(4080),
  /** Interface it listens on: recipients reach it (through the platform's ingress), so 0.0.0.0 in a cluster. */
  HOST: z.string().default("127.0.0.1"),
  /** Where the API is served: the profile's endpoint is the server's URL with this path. */
  SHARING_PATH_PREFIX: z
    .string()
    .regex(/^(\/[A-Za-z0-9._-]+)+$/, "a path such as /delta-sharing")
    .default("/delta-sharing"),
  /**
   * The shares and recipients (JSON; docs/delta-sharing.md): re-read when the file changes, so a recipient is added
   * or revoked without a restart. A change that does not validate is logged and the previous one stays.
   */
  SHARING_CONFIG_FILE: env.string(),
  /** How long each file link works (the `expirationTimestamp` of every file action); at most 7 days. */
  SHARING_LINK_TTL_SECONDS: env.positiveInt().max(604800).default(3600),
  /** Most shares, schemas or tables one list call returns (a client's maxResults may ask for fewer). */
  SHARING_MAX_PAGE: env.positiveInt().max(1000).default(100),
  /** Exporter state database: reads the read model, owns sharing_audit. */
  ...stateDatabaseEnv,
  /** Links are made only for objects of EXPORT_BUCKET under `${EXPORT_ENV}/`. */
  ...exportBucketEnv,
  ...exportEnvEnv,
  ...awsEnv,
});

export type Config = z.infer<typeof configSchema>;
