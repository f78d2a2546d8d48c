import { z } from "zod";
import { SharingConfigError } from "./errors.js";

/** Delta Sharing names: what a client puts in `share.schema.table` (no dot) and a URL path (no slash). */
const objectName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_-]*$/, "letters, digits, _ and - only");

const allOr = <T extends z.ZodType>(item: T) => z.union([z.literal("*"), z.array(item).min(1)]);

const shareSchema = z
  .object({
    name: objectName,
    comment: z.string().max(65536).optional(),
    /** The scheduled exports' tables (schema `scheduled`): every exported table, or those named. */
    scheduled: z
      .object({ tables: allOr(z.string().min(1)) })
      .strict()
      .optional(),
    /** On-demand exports (schema `on_demand`): of every caller, or of the callers named (requestData's requestedBy). */
    onDemand: z
      .object({ requestedBy: allOr(z.string().min(1)) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((share) => share.scheduled !== undefined || share.onDemand !== undefined, {
    message: "a share holds scheduled exports, on-demand exports or both",
  });

const recipientSchema = z
  .object({
    name: z.string().min(1).max(255),
    /** SHA-256 (hex) of the bearer token: the token itself is never stored (npm run sharing -- token makes one). */
    tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, "64 lowercase hex digits (sha256 of the token)"),
    /** When the token stops working; a token without an end is not accepted. */
    expiresAt: z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
    shares: z.array(objectName).min(1),
  })
  .strict();

export const sharingConfigSchema = z
  .object({ shares: z.array(shareSchema), recipients: z.array(recipientSchema) })
  .strict();

export type SharingConfig = z.infer<typeof sharingConfigSchema>;
export type ShareConfig = SharingConfig["shares"][number];
export type Recipient = SharingConfig["recipients"][number];

const duplicates = (values: readonly string[]): string[] =>
  [...new Set(values.filter((value, i) => values.indexOf(value) !== i))].sort();

/**
 * The shares and recipients of a configuration file's JSON, validated whole: one error lists every problem, and
 * names must be unique, tokens distinct and every granted share defined.
 */
export function parseSharingConfig(json: unknown, source: string): SharingConfig {
  const parsed = sharingConfigSchema.safeParse(json);
  if (!parsed.success)
    throw new SharingConfigError(
      `${source}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    );
  const config = parsed.data;
  const problems: string[] = [];
  const shareNames = config.shares.map((s) => s.name);
  for (const name of duplicates(shareNames)) problems.push(`share ${name} is defined twice`);
  for (const name of duplicates(config.recipients.map((r) => r.name)))
    problems.push(`recipient ${name} is defined twice`);
  if (duplicates(config.recipients.map((r) => r.tokenSha256)).length > 0)
    problems.push("two recipients have the same token");
  for (const recipient of config.recipients)
    for (const share of recipient.shares)
      if (!shareNames.includes(share))
        problems.push(`recipient ${recipient.name} is granted share ${share}, which is not defined`);
  if (problems.length > 0) throw new SharingConfigError(`${source}: ${problems.join("; ")}`);
  return config;
}
