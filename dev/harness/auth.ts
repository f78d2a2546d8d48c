import { createHmac, generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import jwt from "jsonwebtoken";
import { JWT_EXTENSION, signedContent } from "@data-exporter/gateway-auth";

/** The identity npm start's token and the harness act as: an operator who sees every export. */
export const operatorIdentity: Identity = { sub: "operator", roles: ["exporter-admin"] };

export interface Identity {
  readonly sub: string;
  readonly roles: readonly string[];
}

/** A local token issuer: an RSA key pair whose public half the gateway verifies tokens with. */
export interface DevIssuer {
  readonly publicKeyPem: string;
  readonly publicKeyFile: string;
  /** A signed RS256 token for the identity (the gateway's JWT plugin verifies it; nothing here checks tokens). */
  mint(identity: Identity, ttlSeconds?: number): string;
}

/** Reuses the key pair in `dir` (npm start's, so a running gateway keeps accepting tokens) or makes one there. */
export function devIssuer(dir: string): DevIssuer {
  mkdirSync(dir, { recursive: true });
  const privateFile = join(dir, "jwt-private.pem");
  const publicKeyFile = join(dir, "jwt-public.pem");
  if (!existsSync(privateFile) || !existsSync(publicKeyFile)) {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(privateFile, pair.privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    writeFileSync(publicKeyFile, pair.publicKey.export({ type: "spki", format: "pem" }));
  }
  const privateKey = readFileSync(privateFile, "utf8");
  return {
    publicKeyPem: readFileSync(publicKeyFile, "utf8"),
    publicKeyFile,
    mint: (identity, ttlSeconds = 12 * 3600) =>
      jwt.sign({ roles: identity.roles }, privateKey, {
        algorithm: "RS256",
        subject: identity.sub,
        expiresIn: ttlSeconds,
      }),
  };
}

/**
 * The extensions the gateway adds to a subgraph request: the verified JWT payload and the HMAC signature over the
 * operation, variables and payload (@data-exporter/gateway-auth). For harness code that drives request-api
 * directly (fault injection, the chaos fleet), acting as the gateway would.
 */
export function gatewayExtensions(
  secret: string,
  request: { query: string; variables: Record<string, unknown> },
  identity: Identity,
): Record<string, unknown> {
  const extensions = { [JWT_EXTENSION]: { payload: { sub: identity.sub, roles: identity.roles } } };
  const content = signedContent({ query: request.query, variables: request.variables, extensions });
  return { ...extensions, "hmac-signature": createHmac("sha256", secret).update(content).digest("base64") };
}
