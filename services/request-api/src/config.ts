import { z } from "zod";
import { commonEnvSchema, env } from "@data-exporter/runtime";

export const configSchema = commonEnvSchema.extend({
  HEALTH_PORT: env.port().optional(),
  /** GraphQL port; /healthz and /readyz are served on it too. */
  PORT: env.port().default(4001),
  HOST: z.string().default("127.0.0.1"),
  /** Exporter state database (the status read model). */
  DATABASE_URL: env.url(),
  STATUS_SCHEMA: z.string().default("de_internal"),
  EXPORT_BUCKET: env.string(),
  AWS_REGION: z.string().default("ap-southeast-2"),
  AWS_ENDPOINT_URL: env.url().optional(),
  S3_FORCE_PATH_STYLE: env.bool().default(false),
  /** Lifetime of presigned download links, made at each requestStatus call. */
  LINK_TTL_SECONDS: env.positiveInt().max(604800).default(86400),
  MAX_WINDOW_SECONDS: env.positiveInt().default(86400),
});

export type Config = z.infer<typeof configSchema>;
