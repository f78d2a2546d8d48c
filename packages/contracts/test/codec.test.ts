import { describe, expect, it } from "@jest/globals";
import avsc from "avsc";
import type { ExportPlanned } from "../src/index.js";
import {
  ContractError,
  InvalidEventError,
  UndecodableEventError,
  decodeEvent,
  encodeEvent,
  eventNameOf,
  eventNames,
  schemaFingerprints,
  schemas,
} from "../src/index.js";
import { exportPlanned, unloadCommand } from "./support/samples.js";

describe("encodeEvent / decodeEvent", () => {
  it("round-trips an event and names its schema", () => {
    const encoded = encodeEvent("ExportPlanned", exportPlanned);
    expect(encoded.eventType).toBe("au.dataexporter.events.ExportPlanned");
    expect(encoded.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const decoded = decodeEvent(encoded, encoded.bytes);
    expect(decoded.type).toBe("ExportPlanned");
    expect(decoded.value).toEqual(exportPlanned);
  });

  it("decodes from a plain Uint8Array and from either header alone", () => {
    const encoded = encodeEvent("UnloadTableCommand", unloadCommand);
    const plain = new Uint8Array(encoded.bytes);
    expect(decodeEvent({ fingerprint: encoded.fingerprint }, plain).value).toEqual(unloadCommand);
    expect(decodeEvent({ eventType: encoded.eventType }, plain).value).toEqual(unloadCommand);
  });

  it("embeds the SHA-256 of each schema's canonical form", () => {
    for (const name of eventNames) {
      const type = avsc.Type.forSchema(structuredClone(schemas[name] as unknown) as avsc.Schema);
      expect(schemaFingerprints[name]).toBe(type.fingerprint("sha256").toString("hex"));
      expect(eventNameOf(`au.dataexporter.events.${name}`)).toBe(name);
    }
  });

  it("rejects an invalid value with the paths of every bad field", () => {
    const bad = { ...exportPlanned, mode: "NIGHTLY", tables: [{ ...exportPlanned.tables[0], table: 42 }] };
    const error = catchError(() => encodeEvent("ExportPlanned", bad as unknown as ExportPlanned));
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error).toMatchObject({ code: "INVALID_EVENT", retryable: false });
    expect((error as InvalidEventError).paths).toEqual(["mode", "tables.0.table"]);
  });

  it("rejects a long that would lose precision", () => {
    const bad = { ...exportPlanned, plannedAt: 2 ** 60 };
    expect(() => encodeEvent("ExportPlanned", bad)).toThrow("bad value at plannedAt");
  });

  it.each([
    ["unknown event type", { eventType: "x.Nope" }, "UNKNOWN_EVENT_TYPE"],
    ["no header at all", {}, "UNKNOWN_EVENT_TYPE"],
    ["unknown fingerprint", { fingerprint: "00".repeat(32) }, "UNKNOWN_SCHEMA_FINGERPRINT"],
    [
      "type and fingerprint disagree",
      { eventType: "au.dataexporter.events.ExportRequested", fingerprint: schemaFingerprints.ExportPlanned },
      "EVENT_TYPE_MISMATCH",
    ],
  ])("refuses to decode with %s", (_label, ref, code) => {
    const { bytes } = encodeEvent("ExportPlanned", exportPlanned);
    const error = catchError(() => decodeEvent(ref, bytes));
    expect(error).toBeInstanceOf(UndecodableEventError);
    expect(error).toMatchObject({ code, retryable: false });
  });

  it("refuses truncated or garbage bytes", () => {
    const encoded = encodeEvent("ExportPlanned", exportPlanned);
    const truncated = catchError(() => decodeEvent(encoded, encoded.bytes.subarray(0, 10)));
    expect(truncated).toMatchObject({ code: "UNDECODABLE_EVENT" });
    const trailing = catchError(() => decodeEvent(encoded, new Uint8Array([...encoded.bytes, 1, 2, 3])));
    expect(trailing).toBeInstanceOf(ContractError);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
