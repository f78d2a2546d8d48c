import { z } from "zod";
import {
  awsEnv,
  classificationEnv,
  commonEnvSchema,
  deadlineEnv,
  env,
  exportBucketEnv,
  exportEnvEnv,
  stateDatabaseEnv,
} from "@data-exporter/runtime";

export const configSchema = commonEnvSchema.extend({
  HEALTH_PORT: env.port().optional(),
  /** GraphQL port; /healthz and /readyz are served on it too. */
  PORT: env.port().default(4001),
  /** Interface the GraphQL server listens on (the gateway's side only; keep it private). */
  HOST: z.string().default("127.0.0.1"),
  /** Exporter state database: reads the read model, owns accepted_requests. */
  ...stateDatabaseEnv,
  /** Links are made only for objects of EXPORT_BUCKET under `${EXPORT_ENV}/`. */
  ...exportBucketEnv,
  ...exportEnvEnv,
  ...awsEnv,
  /** The export configuration (DynamoDB) and policy, to tell whether an earlier export was made under current rules. */
  ...classificationEnv,
  /** A request accepted longer ago than this and still unplanned is not reused. */
  ...deadlineEnv,
  /**
   * Shared with the gateway, which signs every request it forwards (HMAC of the operation, its variables and the
   * verified JWT payload): a request without a valid signature is refused, so the subgraph trusts only the gateway.
   */
  GATEWAY_HMAC_SECRET: z.string().min(32, "at least 32 characters (e.g. openssl rand -hex 32)"),
  /** The JWT claim with the caller's roles, and the role that sees and acts on every export. */
  JWT_ROLES_CLAIM: z.string().min(1).default("roles"),
  /** The role (in JWT_ROLES_CLAIM) that sees and acts on every export. */
  ADMIN_ROLE: z.string().min(1).default("exporter-admin"),
  /** Per caller: exports not finished yet, and exports started in any 24 hours (RATE_LIMITED beyond). */
  QUOTA_CONCURRENT_EXPORTS: env.positiveInt().default(5),
  /** Per caller: exports started in any 24 hours. */
  QUOTA_DAILY_EXPORTS: env.positiveInt().default(100),
  /** How long a table's links work from when it finished (or from the owner's latest refreshLinks); at most 7 days. */
  LINK_TTL_SECONDS: env.positiveInt().max(604800).default(86400),
  /** The longest window requestData accepts (the seed's one day). */
  MAX_WINDOW_SECONDS: env.positiveInt().default(86400),
});

export type Config = z.infer<typeof configSchema>;
