import { z } from "zod";
import { commonEnvSchema, env } from "@data-exporter/runtime";

export const configSchema = commonEnvSchema.extend({
  HEALTH_PORT: env.port().default(4002),
  /** Warehouse read to describe tables (columns and types). */
  WAREHOUSE_URL: env.url(),
  /** Exporter state database: the planner remembers there which dates were exported (scheduled_export_dates). */
  DATABASE_URL: env.url(),
  STATUS_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "lower-case identifier")
    .default("de_internal"),
  EXPORT_BUCKET: env.string(),
  /** First segment of every object key: dev, staging, prod. */
  EXPORT_ENV: z
    .string()
    .regex(/^[a-z0-9-]+$/, "lower-case letters, digits and '-' only")
    .default("dev"),
  AWS_REGION: z.string().default("ap-southeast-2"),
  AWS_ENDPOINT_URL: env.url().optional(),
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
      ctx.addIssue({ code: "custom", message: 'must be a JSON array of non-empty strings, e.g. ["ssn", "tax_?file"]' });
      return z.NEVER;
    }),
});

export type Config = z.infer<typeof configSchema>;
