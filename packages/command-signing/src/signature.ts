import { createHmac, timingSafeEqual } from "node:crypto";
import { SigningError } from "./errors.js";

/** Kafka headers a signed message carries beside its event headers (docs/architecture.md). */
export const signatureHeaders = {
  /** The Secrets Manager VersionId of the key that signed it. */
  keyVersion: "signature-key-version",
  /** Base64 HMAC-SHA256 of the signing input (`signingInput`). */
  signature: "signature-hmac-sha256",
} as const;

/** Shortest secret accepted as a signing key (64 hex characters of `openssl rand -hex 32` are the norm). */
export const MIN_SECRET_LENGTH = 32;

/** One version of the signing secret. */
export interface SigningKey {
  /** The secret store's id of this version (Secrets Manager VersionId). */
  readonly versionId: string;
  readonly secret: string;
}

/**
 * What a signature covers: where the message goes, its key, how it is decoded (a different writer schema would read
 * the same bytes as other values) and its exact bytes. Nothing of it can change without the signature failing.
 */
export interface SignableMessage {
  /** The topic name as written to the broker (with the deployment's namespace). */
  readonly topic: string;
  readonly key: string;
  /** The `event-type` and `schema-fingerprint` headers ("" when absent). */
  readonly eventType: string;
  readonly schemaFingerprint: string;
  /** The Avro-encoded value, byte for byte. */
  readonly payload: Uint8Array;
}

/** Why a message is refused. */
export type SignatureProblem = "unsigned" | "unknown-key-version" | "mismatch";

export type Verdict =
  | { readonly valid: true; readonly keyVersion: string }
  | { readonly valid: false; readonly problem: SignatureProblem; readonly keyVersion: string | null };

/** A key by version id, or undefined when that version is not (or no longer) accepted. */
export type KeyLookup = (versionId: string) => Promise<SigningKey | undefined> | SigningKey | undefined;

const DOMAIN = "data-exporter/signed-message/v1";

/**
 * The bytes the HMAC is computed over: a domain tag, then every field length-prefixed (4 bytes, big-endian), so
 * no two different messages share an input (moving bytes from the key into the topic changes it).
 */
export function signingInput(keyVersion: string, message: SignableMessage): Buffer {
  const fields = [
    Buffer.from(DOMAIN),
    Buffer.from(keyVersion),
    Buffer.from(message.topic),
    Buffer.from(message.key),
    Buffer.from(message.eventType),
    Buffer.from(message.schemaFingerprint),
    Buffer.from(message.payload.buffer, message.payload.byteOffset, message.payload.byteLength),
  ];
  return Buffer.concat(
    fields.flatMap((field) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(field.byteLength);
      return [length, field];
    }),
  );
}

function mac(key: SigningKey, message: SignableMessage): Buffer {
  return createHmac("sha256", key.secret).update(signingInput(key.versionId, message)).digest();
}

/** The headers that sign `message` with `key`. */
export function signMessage(key: SigningKey, message: SignableMessage): Record<string, string> {
  if (key.secret.length < MIN_SECRET_LENGTH)
    throw new SigningError("SIGNING_KEY_INVALID", `signing key version ${key.versionId} is too short`);
  return {
    [signatureHeaders.keyVersion]: key.versionId,
    [signatureHeaders.signature]: mac(key, message).toString("base64"),
  };
}

/**
 * Checks a message's signature headers against the key of the version they name. Only a failure to look the key
 * up throws (the secret store is unreachable: retry); a bad message is a verdict, never an exception.
 */
export async function verifyMessage(
  message: SignableMessage,
  headers: Readonly<Record<string, string | undefined>>,
  keyFor: KeyLookup,
): Promise<Verdict> {
  const keyVersion = headers[signatureHeaders.keyVersion] ?? "";
  const signature = headers[signatureHeaders.signature] ?? "";
  if (keyVersion === "" || signature === "")
    return { valid: false, problem: "unsigned", keyVersion: keyVersion === "" ? null : keyVersion };
  const key = await keyFor(keyVersion);
  if (key === undefined) return { valid: false, problem: "unknown-key-version", keyVersion };
  const expected = mac(key, message);
  const given = Buffer.from(signature, "base64");
  const matches = given.byteLength === expected.byteLength && timingSafeEqual(given, expected);
  return matches ? { valid: true, keyVersion } : { valid: false, problem: "mismatch", keyVersion };
}

/** An operator's sentence for a refused message (no key material). */
export function refusalReason(verdict: Extract<Verdict, { valid: false }>): string {
  const version = verdict.keyVersion ?? "none";
  switch (verdict.problem) {
    case "unsigned":
      return `unload command signature invalid (key version ${version}): the command is not signed`;
    case "unknown-key-version":
      return `unload command signature invalid (key version ${version}): not the current or previous signing key`;
    case "mismatch":
      return `unload command signature invalid (key version ${version}): the signature does not match`;
  }
}
