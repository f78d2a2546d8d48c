import { createHash, timingSafeEqual } from "node:crypto";
import { SharingError } from "./errors.js";
import type { Recipient } from "./sharing-config.js";

export const tokenSha256 = (token: string): string => createHash("sha256").update(token, "utf8").digest("hex");

/**
 * The recipient a request's `Authorization: Bearer` token belongs to. A missing, unknown or expired token is
 * UNAUTHENTICATED (401); the message says which, never whose.
 */
export function authenticate(
  authorization: string | undefined,
  recipients: readonly Recipient[],
  now: number,
): Recipient {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (token === undefined)
    throw new SharingError("UNAUTHENTICATED", "a bearer token is required (Authorization: Bearer <token>)");
  const presented = Buffer.from(tokenSha256(token), "hex");
  // Every hash is compared (in constant time each), so the time taken does not tell which recipient came close.
  let found: Recipient | undefined;
  for (const recipient of recipients)
    if (timingSafeEqual(presented, Buffer.from(recipient.tokenSha256, "hex"))) found = recipient;
  if (found === undefined) throw new SharingError("UNAUTHENTICATED", "the bearer token is not valid");
  if (found.expiresAt <= now)
    throw new SharingError(
      "UNAUTHENTICATED",
      `the bearer token expired at ${new Date(found.expiresAt).toISOString()}: ask the data provider for a new profile`,
    );
  return found;
}
