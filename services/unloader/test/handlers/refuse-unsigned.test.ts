import { describe, expect, it } from "@jest/globals";
import type { Envelope } from "@data-exporter/bus";
import {
  SigningError,
  signMessage,
  verifyMessage,
  type SignatureProblem,
  type SigningKey,
} from "@data-exporter/command-signing";
import { encodeEvent, type TableUnloadEvent, type UnloadTableCommand } from "@data-exporter/contracts";
import { isRetryable } from "@data-exporter/retry";
import { refuseUnsigned, type SignatureCheckDeps } from "../../src/handlers/refuse-unsigned.js";

const planner: SigningKey = { versionId: "v-current", secret: "planner-key-0123456789abcdef012345" };
const previous: SigningKey = { versionId: "v-previous", secret: "planner-key-previous-0123456789abcd" };
const forger: SigningKey = { versionId: "v-current", secret: "forger-key-0123456789abcdef0123456" };

const command: UnloadTableCommand = {
  requestId: "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f",
  mode: "ON_DEMAND",
  exportDate: null,
  windowStart: 0,
  windowEnd: 1,
  table: "customer",
  schema: "pm",
  timeColumn: null,
  columns: [{ name: "email", treatment: "AS_IS", roundDigits: null }],
  rowFilter: {
    sourceColumn: null,
    allowedSources: [],
    unrestrictedSources: [],
    metricColumn: null,
    allowedMetrics: [],
  },
  audit: [],
  outputPrefix: "test/x/customer/",
  fileBaseName: "customer",
  configVersion: "v1",
  attempt: 1,
  run: 0,
  issuedAt: 0,
  snapshot: null,
};

const TOPIC = "t-1.data-exporter.unload-commands.v1";
const KEY = `${command.requestId}/customer`;

/** The command as the consumer hands it over, its headers signed with `key` (or none). */
function envelope(key: SigningKey | undefined, value: UnloadTableCommand = command): Envelope<"unloadCommands"> {
  const encoded = encodeEvent("UnloadTableCommand", value);
  const payload = Buffer.from(encoded.bytes);
  const headers: Record<string, string> = {
    "event-type": encoded.eventType,
    "schema-fingerprint": encoded.fingerprint,
  };
  const signed = key
    ? signMessage(key, {
        topic: TOPIC,
        key: KEY,
        eventType: encoded.eventType,
        schemaFingerprint: encoded.fingerprint,
        payload,
      })
    : {};
  return {
    type: "UnloadTableCommand",
    value,
    topicKey: "unloadCommands",
    topic: TOPIC,
    partition: 2,
    offset: "7",
    key: KEY,
    payload,
    headers: { ...headers, ...signed },
    eventType: encoded.eventType,
    correlationId: undefined,
    traceparent: undefined,
  };
}

function deps(keys: readonly SigningKey[] = [planner, previous]) {
  const published: TableUnloadEvent[] = [];
  const refused: SignatureProblem[] = [];
  const logged: Record<string, unknown>[] = [];
  const d: SignatureCheckDeps = {
    verify: (message, headers) =>
      verifyMessage(message, headers, (version) => keys.find((k) => k.versionId === version)),
    publish: (event) => Promise.resolve(void published.push(event)),
    refused: (problem) => void refused.push(problem),
    now: () => 1234,
    log: { error: (context: unknown) => void logged.push(context as Record<string, unknown>) } as never,
  };
  return { d, published, refused, logged };
}

describe("refuseUnsigned", () => {
  it("lets through a command signed with the current or the previous key, and does nothing else", async () => {
    for (const key of [planner, previous]) {
      const { d, published, refused } = deps();
      await refuseUnsigned(envelope(key), d);
      expect(published).toEqual([]);
      expect(refused).toEqual([]);
    }
  });

  it.each([
    ["unsigned", undefined, "unsigned", /key version none\): the command is not signed/],
    ["signed with another secret", forger, "mismatch", /key version v-current\): the signature does not match/],
    [
      "signed with a key no longer accepted",
      { ...planner, versionId: "v-old" },
      "unknown-key-version",
      /key version v-old\): not the current or previous/,
    ],
  ] as const)(
    "refuses a command %s: fails its table for good, counts, logs, throws for the DLQ",
    async (_, key, problem, reason) => {
      const { d, published, refused, logged } = deps();
      const error = await refuseUnsigned(envelope(key), d).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SigningError);
      expect(error).toMatchObject({ code: "SIGNATURE_INVALID", message: expect.stringMatching(reason) });
      expect(isRetryable(error)).toBe(false);
      expect(published).toEqual([
        {
          type: "TableUnloadFailed",
          value: expect.objectContaining({
            requestId: command.requestId,
            table: "customer",
            errorKind: "INVALID_COMMAND",
            errorMessage: expect.stringMatching(/^unload command signature invalid/),
            retryable: false,
            finalAttempt: true,
            failedAt: 1234,
          }),
        },
      ]);
      expect(refused).toEqual([problem]);
      expect(logged).toEqual([
        expect.objectContaining({ security: "unload-command-refused", problem, columns: ["email:AS_IS"], offset: "7" }),
      ]);
    },
  );

  it("refuses a signed command whose bytes were changed after signing (an unmasked column swapped in)", async () => {
    const signed = envelope(planner);
    const forged = envelope(undefined, {
      ...command,
      columns: [{ name: "ssn", treatment: "AS_IS", roundDigits: null }],
    });
    const { d, published } = deps();
    await expect(refuseUnsigned({ ...forged, headers: signed.headers }, d)).rejects.toMatchObject({
      code: "SIGNATURE_INVALID",
    });
    expect(published).toHaveLength(1);
  });

  it("refuses a signed command moved to another topic or key", async () => {
    const signed = envelope(planner);
    for (const moved of [
      { ...signed, topic: "t-2.data-exporter.unload-commands.v1" },
      { ...signed, key: "x/y" },
    ]) {
      const { d } = deps();
      await expect(refuseUnsigned(moved, d)).rejects.toMatchObject({ code: "SIGNATURE_INVALID" });
    }
  });

  it("publishes nothing and retries when the keys cannot be read", async () => {
    const { d, published } = deps();
    const down = new SigningError("SIGNING_KEY_UNAVAILABLE", "down", { retryable: true });
    const error = await refuseUnsigned(envelope(planner), { ...d, verify: () => Promise.reject(down) }).catch(
      (e: unknown) => e,
    );
    expect(isRetryable(error)).toBe(true);
    expect(published).toEqual([]);
  });
});
