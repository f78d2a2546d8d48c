import { describe, expect, it } from "@jest/globals";
import avsc from "avsc";
import type { ExportPlanned, ExportRequested } from "../src/index.js";
import {
  ContractError,
  InvalidEventError,
  UndecodableEventError,
  createDecoder,
  decodeEvent,
  encodeEvent,
  eventNameOf,
  eventNames,
  previousSchemas,
  schemaFingerprint,
  schemaFingerprints,
  schemas,
} from "../src/index.js";
import { exportPlanned, requestId, snapshotCommand, unloadCommand } from "./support/samples.js";

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

  it("round-trips a command carrying snapshot rows (null, string, boolean and int values)", () => {
    const encoded = encodeEvent("UnloadTableCommand", snapshotCommand);
    expect(decodeEvent(encoded, encoded.bytes).value).toEqual(snapshotCommand);
    const wrong = {
      ...snapshotCommand,
      snapshot: { loadedAt: 1, tables: [{ name: "t", columns: [], rows: [[1.5]] }] },
    };
    expect(() => encodeEvent("UnloadTableCommand", wrong)).toThrow();
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

describe("createDecoder / decodeEvent with previous schema versions", () => {
  // ExportRequested as it was before `requestedBy` (which has a default) was added.
  const oldSchema = {
    ...schemas.ExportRequested,
    fields: schemas.ExportRequested.fields.filter((field) => field.name !== "requestedBy"),
  };
  const oldFingerprint = schemaFingerprint(oldSchema);
  const oldValue = { requestId, windowStart: Date.UTC(2025, 0, 1), windowEnd: Date.UTC(2025, 0, 2), requestedAt: 7 };
  const oldBytes = avsc.Type.forSchema(structuredClone(oldSchema)).toBuffer(oldValue);
  const decode = createDecoder({ ExportRequested: [{ fingerprint: oldFingerprint, schema: oldSchema }] });

  it("reads an event written with a previous version in the current shape, defaults filled", () => {
    expect(oldFingerprint).not.toBe(schemaFingerprints.ExportRequested);
    for (const ref of [
      { fingerprint: oldFingerprint },
      { fingerprint: oldFingerprint, eventType: "au.dataexporter.events.ExportRequested" },
    ]) {
      const decoded = decode(ref, new Uint8Array(oldBytes));
      // toMatchObject: later fields with defaults (added after this test was written) may appear too.
      expect(decoded).toMatchObject({
        type: "ExportRequested",
        eventType: "au.dataexporter.events.ExportRequested",
        value: { ...oldValue, requestedBy: null },
      });
    }
  });

  it("still reads the current version and rejects what it does not know", () => {
    const value: ExportRequested = { ...oldValue, requestedBy: "alice" };
    const encoded = encodeEvent("ExportRequested", value);
    expect(decode(encoded, encoded.bytes).value).toEqual(value);
    expect(catchError(() => decodeEvent({ fingerprint: oldFingerprint }, oldBytes))).toMatchObject({
      code: "UNKNOWN_SCHEMA_FINGERPRINT",
    });
    const mismatch = { fingerprint: oldFingerprint, eventType: "au.dataexporter.events.ExportPlanned" };
    expect(catchError(() => decode(mismatch, oldBytes))).toMatchObject({ code: "EVENT_TYPE_MISMATCH" });
    expect(catchError(() => decode({ fingerprint: oldFingerprint }, oldBytes.subarray(0, 5)))).toMatchObject({
      code: "UNDECODABLE_EVENT",
    });
  });

  it("refuses a previous version the current schema cannot resolve", () => {
    // A writer without requestId: the current reader has no default for it.
    const unreadable = {
      ...schemas.ExportRequested,
      fields: schemas.ExportRequested.fields.filter((field) => field.name !== "requestId"),
    };
    const fingerprint = schemaFingerprint(unreadable);
    const bytes = avsc.Type.forSchema(structuredClone(unreadable) as avsc.Schema).toBuffer({
      windowStart: 1,
      windowEnd: 2,
      requestedAt: 3,
      requestedBy: null,
    });
    const error = catchError(() =>
      createDecoder({ ExportRequested: [{ fingerprint, schema: unreadable }] })({ fingerprint }, bytes),
    );
    expect(error).toBeInstanceOf(UndecodableEventError);
    expect(error).toMatchObject({ code: "UNDECODABLE_EVENT", retryable: false });
  });

  it("lists previous versions for every event, none of them a current fingerprint", () => {
    // Every event has a list (empty until a schema changes after its first commit).
    expect(Object.keys(previousSchemas).sort()).toEqual([...eventNames].sort());
    const previous = eventNames.flatMap((name) => previousSchemas[name].map((p) => ({ name, ...p })));
    expect(previous.filter((p) => p.fingerprint !== schemaFingerprint(p.schema))).toEqual([]);
    expect(previous.filter((p) => p.fingerprint === schemaFingerprints[p.name])).toEqual([]);
  });
});
