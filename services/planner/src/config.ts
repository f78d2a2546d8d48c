import { z } from "zod";
import { commonEnvSchema, env } from "@data-exporter/runtime";

export const configSchema = commonEnvSchema.extend({
  HEALTH_PORT: env.port().default(4002),
  /** Warehouse read to describe tables (columns and types). */
  WAREHOUSE_URL: env.url(),
  EXPORT_BUCKET: env.string(),
  /** First segment of every object key: dev, staging, prod. */
  EXPORT_ENV: z.string().regex(/^[a-z0-9-]+$/, "lower-case letters, digits and '-' only").default("dev"),
  AWS_REGION: z.string().default("ap-southeast-2"),
  AWS_ENDPOINT_URL: env.url().optional(),
  /** Prefix of the four DynamoDB configuration tables (export_tables, data_column_classification, ...). */
  CONFIG_TABLE_PREFIX: z.string().default(""),
  /** Extra deny-list patterns (comma-separated, case-insensitive regular expressions) added to the default list. */
  PII_DENY_PATTERNS: z.string().default(""),
});

export type Config = z.infer<typeof configSchema>;
