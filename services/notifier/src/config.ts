import { z } from "zod";
import { commonEnvSchema, env } from "@data-exporter/runtime";

export const configSchema = commonEnvSchema.extend({
  HEALTH_PORT: env.port().default(4005),
  /** Exporter state database: remembers which exports were announced. */
  DATABASE_URL: env.url(),
  STATUS_SCHEMA: z.string().default("de_internal"),
  SNS_TOPIC_ARN: z.string().startsWith("arn:", "must be an SNS topic ARN"),
  AWS_REGION: z.string().default("ap-southeast-2"),
  AWS_ENDPOINT_URL: env.url().optional(),
});

export type Config = z.infer<typeof configSchema>;
