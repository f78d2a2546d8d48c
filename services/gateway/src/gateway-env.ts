import { readFileSync } from "node:fs";
import { z } from "zod";

const flag = z
  .enum(["true", "false"])
  .default("false")
  .transform((value) => value === "true");

/** The gateway's settings, from its environment; a missing key source or a short secret stops it at start. */
export const gatewayEnvSchema = z
  .object({
    /** Shared with request-api: the gateway signs every subgraph request with it. */
    GATEWAY_HMAC_SECRET: z.string().min(32, "at least 32 characters (e.g. openssl rand -hex 32)"),
    /** Where the token-signing keys come from: a PEM public key (inline or a file), or the issuer's JWKS URL. */
    JWT_PUBLIC_KEY: z.string().optional(),
    /** A file holding the PEM public key (instead of JWT_PUBLIC_KEY or JWT_JWKS_URL). */
    JWT_PUBLIC_KEY_FILE: z.string().optional(),
    /** The issuer's JWKS URL (instead of a PEM key); keys are fetched and cached. */
    JWT_JWKS_URL: z.url().optional(),
    /** When set, a token's `iss` must equal it. */
    JWT_ISSUER: z.string().optional(),
    /** When set, a token's `aud` must include it. */
    JWT_AUDIENCE: z.string().optional(),
    /** Signature algorithms accepted, comma-separated. */
    JWT_ALGORITHMS: z
      .string()
      .default("RS256,ES256")
      .transform((text) => text.split(",").map((a) => a.trim())),
    /** GraphiQL and introspection: for a developer's machine, never production. */
    GATEWAY_DEV_TOOLS: flag,
    /** request-api's base URL (http://host:port): the gateway serves its /exports status page. Unset: no page. */
    STATUS_PAGE_URL: z.url().optional(),
    /** Origins a browser may call from (comma-separated); empty: CORS off. */
    GATEWAY_CORS_ORIGINS: z
      .string()
      .default("")
      .transform((text) =>
        text
          .split(",")
          .map((o) => o.trim())
          .filter(Boolean),
      ),
  })
  .superRefine((env, ctx) => {
    const sources = [env.JWT_PUBLIC_KEY, env.JWT_PUBLIC_KEY_FILE, env.JWT_JWKS_URL].filter((s) => s !== undefined);
    if (sources.length !== 1)
      ctx.addIssue({
        code: "custom",
        path: ["JWT_PUBLIC_KEY"],
        message: "set exactly one of JWT_PUBLIC_KEY, JWT_PUBLIC_KEY_FILE or JWT_JWKS_URL",
      });
  });

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

export function loadGatewayEnv(env: NodeJS.ProcessEnv): GatewayEnv {
  const parsed = gatewayEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`gateway configuration is invalid: ${problems}`);
  }
  return parsed.data;
}

/** The PEM key the tokens are verified with, when not fetched from a JWKS URL. */
export function publicKeyOf(env: GatewayEnv): string | undefined {
  if (env.JWT_PUBLIC_KEY !== undefined) return env.JWT_PUBLIC_KEY;
  if (env.JWT_PUBLIC_KEY_FILE !== undefined) return readFileSync(env.JWT_PUBLIC_KEY_FILE, "utf8");
  return undefined;
}
