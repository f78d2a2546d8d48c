import { z } from "zod";
import { awsEnv, commonEnvSchema, env, stateDatabaseEnv } from "@data-exporter/runtime";

export const configSchema = commonEnvSchema.extend({
  HEALTH_PORT: env.port().default(4005),
  /** Exporter state database: remembers which exports were announced (export_notifications). */
  ...stateDatabaseEnv,
  /** Topic the export summaries are published to (SUCCESS / FAILED / PARTIAL-SUCCESS / CANCELLED). */
  SNS_TOPIC_ARN: z.string().startsWith("arn:", "must be an SNS topic ARN"),
  ...awsEnv,
});

export type Config = z.infer<typeof configSchema>;
