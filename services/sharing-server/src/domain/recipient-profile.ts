import { randomBytes } from "node:crypto";
import { tokenSha256 } from "./recipient-auth.js";
import type { SharingConfig } from "./sharing-config.js";

/** The profile file a recipient downloads (the protocol's "Profile File Format"). */
export interface SharingProfile {
  readonly shareCredentialsVersion: 1;
  readonly endpoint: string;
  readonly bearerToken: string;
  readonly expirationTime: string;
}

/** A recipient entry of the sharing configuration as written to the file (expiresAt as ISO text). */
export interface RecipientEntry {
  readonly name: string;
  readonly tokenSha256: string;
  readonly expiresAt: string;
  readonly shares: readonly string[];
}

/**
 * A new recipient: a random token, the configuration entry that grants it (only the token's hash), and the profile
 * that carries the token itself, which is shown once and stored nowhere by the server.
 */
export function newRecipient(options: { name: string; shares: readonly string[]; expiresAt: Date; endpoint: string }): {
  entry: RecipientEntry;
  profile: SharingProfile;
} {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = options.expiresAt.toISOString();
  return {
    entry: { name: options.name, tokenSha256: tokenSha256(token), expiresAt, shares: [...options.shares] },
    profile: { shareCredentialsVersion: 1, endpoint: options.endpoint, bearerToken: token, expirationTime: expiresAt },
  };
}

/** The configuration's JSON with `entry` added, replacing a recipient of the same name (a rotated token). */
export function withRecipient(
  config: Readonly<Record<string, unknown>>,
  entry: RecipientEntry,
): Record<string, unknown> {
  const recipients = Array.isArray(config["recipients"]) ? (config["recipients"] as { name?: unknown }[]) : [];
  return {
    ...config,
    shares: Array.isArray(config["shares"]) ? config["shares"] : ([] satisfies SharingConfig["shares"]),
    recipients: [...recipients.filter((r) => r.name !== entry.name), entry],
  };
}
