import { describe, expect, it } from "@jest/globals";
import { deadLetterHeaders, eventHeaders, parseDeadLetter } from "@data-exporter/bus";
import { signMessage, verifyMessage, type SigningKey } from "@data-exporter/command-signing";
import { encodeEvent, type UnloadTableCommand } from "@data-exporter/contracts";

const key: SigningKey = { versionId: "v1", secret: "planner-key-0123456789abcdef012345" };

/**
 * `dlq redrive` publishes a dead letter's key, bytes and original headers back to its topic (status-tracker
 * dlq.ts): the planner's signature travels with them, so a re-driven command verifies like the original.
 */
describe("a re-driven unload command", () => {
  it("keeps the planner's signature: its original headers and bytes verify", async () => {
    const topic = "t-1.data-exporter.unload-commands.v1";
    const command = { requestId: "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f", table: "way" } as UnloadTableCommand;
    const encoded = encodeEvent("UnloadTableCommand", {
      ...command,
      mode: "ON_DEMAND",
      exportDate: null,
      windowStart: 0,
      windowEnd: 1,
      schema: "pm",
      timeColumn: null,
      columns: [],
      rowFilter: {
        sourceColumn: null,
        allowedSources: [],
        unrestrictedSources: [],
        metricColumn: null,
        allowedMetrics: [],
      },
      audit: [],
      outputPrefix: "test/way/",
      fileBaseName: "way",
      configVersion: "c",
      attempt: 1,
      run: 0,
      issuedAt: 0,
      snapshot: null,
    });
    const message = {
      topic,
      key: `${command.requestId}/way`,
      eventType: encoded.eventType,
      schemaFingerprint: encoded.fingerprint,
      payload: encoded.bytes,
    };
    const original = {
      [eventHeaders.eventType]: encoded.eventType,
      [eventHeaders.schemaFingerprint]: encoded.fingerprint,
      [eventHeaders.correlationId]: command.requestId,
      ...signMessage(key, message),
    };
    // As the consumer dead-letters it: the original headers plus its own.
    const deadLetter = parseDeadLetter(
      {
        partition: 0,
        offset: "4",
        key: message.key,
        value: Buffer.from(encoded.bytes),
        headers: {
          ...original,
          [deadLetterHeaders.originalTopic]: topic,
          [deadLetterHeaders.errorMessage]: "boom",
          [deadLetterHeaders.consumerGroup]: "t-1.data-exporter.unloader",
        },
      },
      "t-1.",
    );
    expect(deadLetter.originalHeaders).toEqual(original);
    const redriven = { ...message, key: deadLetter.key ?? "", payload: deadLetter.value ?? Buffer.alloc(0) };
    expect(
      await verifyMessage(redriven, deadLetter.originalHeaders, (v) => (v === key.versionId ? key : undefined)),
    ).toEqual({
      valid: true,
      keyVersion: "v1",
    });
  });
});
