import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import {
  refusalReason,
  signatureHeaders,
  signingInput,
  signMessage,
  verifyMessage,
  type SignableMessage,
  type SigningKey,
} from "../src/index.js";

const key: SigningKey = { versionId: "v-current", secret: "0123456789abcdef0123456789abcdef" };
const other: SigningKey = { versionId: "v-current", secret: "fedcba9876543210fedcba9876543210" };
const lookup = (versionId: string): SigningKey | undefined => (versionId === key.versionId ? key : undefined);

const message = fc.record({
  topic: fc.string(),
  key: fc.string(),
  eventType: fc.string(),
  schemaFingerprint: fc.string(),
  payload: fc.uint8Array({ maxLength: 256 }),
});

/** Changes exactly one signed field of a message. */
const tampered = (m: SignableMessage, field: keyof SignableMessage, change: Uint8Array | string): SignableMessage =>
  field === "payload"
    ? { ...m, payload: change instanceof Uint8Array ? change : Buffer.from(change) }
    : { ...m, [field]: typeof change === "string" ? change : Buffer.from(change).toString("latin1") };

describe("signMessage and verifyMessage", () => {
  it("accept every message they signed", async () => {
    await fc.assert(
      fc.asyncProperty(message, async (m) => {
        const verdict = await verifyMessage(m, signMessage(key, m), lookup);
        expect(verdict).toEqual({ valid: true, keyVersion: "v-current" });
      }),
    );
  });

  it("refuse a message with any signed field changed", async () => {
    const field = fc.constantFrom<keyof SignableMessage>("topic", "key", "eventType", "schemaFingerprint", "payload");
    await fc.assert(
      fc.asyncProperty(message, field, fc.uint8Array({ maxLength: 64 }), async (m, name, change) => {
        const changed = tampered(m, name, change);
        fc.pre(!signingInput(key.versionId, changed).equals(signingInput(key.versionId, m)));
        const verdict = await verifyMessage(changed, signMessage(key, m), lookup);
        expect(verdict).toEqual({ valid: false, problem: "mismatch", keyVersion: "v-current" });
      }),
    );
  });

  it("refuse a signature made with another secret under the same version id", async () => {
    await fc.assert(
      fc.asyncProperty(message, async (m) => {
        const verdict = await verifyMessage(m, signMessage(other, m), lookup);
        expect(verdict.valid).toBe(false);
      }),
    );
  });

  it("never confuse two messages whose fields only move bytes between them", () => {
    const a = { topic: "ab", key: "c", eventType: "", schemaFingerprint: "", payload: new Uint8Array() };
    const b = { ...a, topic: "a", key: "bc" };
    expect(signingInput("v", a).equals(signingInput("v", b))).toBe(false);
  });

  it("say why a message is refused: unsigned, an unknown version, a bad or garbled signature", async () => {
    const m = { topic: "t", key: "k", eventType: "E", schemaFingerprint: "f", payload: Buffer.from("x") };
    const unsigned = await verifyMessage(m, {}, lookup);
    expect(unsigned).toEqual({ valid: false, problem: "unsigned", keyVersion: null });
    expect(refusalReason(unsigned as never)).toBe(
      "unload command signature invalid (key version none): the command is not signed",
    );
    const unknown = await verifyMessage(m, signMessage({ ...key, versionId: "v-gone" }, m), lookup);
    expect(unknown).toEqual({ valid: false, problem: "unknown-key-version", keyVersion: "v-gone" });
    expect(refusalReason(unknown as never)).toMatch(/key version v-gone\): not the current or previous signing key/);
    const garbled = { ...signMessage(key, m), [signatureHeaders.signature]: "not base64 at all!" };
    expect(await verifyMessage(m, garbled, lookup)).toEqual({
      valid: false,
      problem: "mismatch",
      keyVersion: "v-current",
    });
  });

  it("refuse to sign with a secret too short to be a key", () => {
    const m = { topic: "t", key: "k", eventType: "E", schemaFingerprint: "f", payload: Buffer.from("x") };
    expect(() => signMessage({ versionId: "v", secret: "short" }, m)).toThrow(/too short/);
  });
});
