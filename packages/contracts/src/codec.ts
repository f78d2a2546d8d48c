import avsc from "avsc";
import { InvalidEventError, UndecodableEventError } from "./errors.js";
import type { EventMap, EventName } from "./generated/events.js";
import { eventFullNames, eventNames, schemaFingerprints, schemas } from "./generated/events.js";
import type { TypedEvent } from "./topic-events.js";

/** Avro binary of an event plus the two headers that identify its writer schema. */
export interface EncodedEvent {
  readonly bytes: Uint8Array;
  /** Hex SHA-256 of the writer schema's Parsing Canonical Form. */
  readonly fingerprint: string;
  /** Full Avro name, e.g. `au.dataexporter.events.ExportRequested`. */
  readonly eventType: string;
}

/** How a received message names its writer schema (the `event-type` and `schema-fingerprint` headers). */
export interface EventRef {
  readonly eventType?: string | undefined;
  readonly fingerprint?: string | undefined;
}

/** A decoded event, discriminated by `type`. */
export type DecodedEvent = TypedEvent & { readonly eventType: string };

const types = new Map<EventName, avsc.Type>();
const byFullName = new Map<string, EventName>(eventNames.map((name) => [eventFullNames[name], name]));
const byFingerprint = new Map<string, EventName>(eventNames.map((name) => [schemaFingerprints[name], name]));

/** The avsc type of an event, parsed once from the embedded schema. */
export function avroType(name: EventName): avsc.Type {
  let type = types.get(name);
  if (!type) {
    type = avsc.Type.forSchema(structuredClone(schemas[name] as unknown) as avsc.Schema);
    types.set(name, type);
  }
  return type;
}

/** Short event name of a full Avro name, or undefined if it is not one of ours. */
export function eventNameOf(eventType: string): EventName | undefined {
  return byFullName.get(eventType);
}

/** Encodes a value as Avro binary; throws InvalidEventError naming every field that does not match the schema. */
export function encodeEvent<N extends EventName>(name: N, value: EventMap[N]): EncodedEvent {
  const type = avroType(name);
  const paths: string[] = [];
  const valid = type.isValid(value, { errorHook: (path: string[]) => paths.push(path.join(".")) });
  if (!valid) throw new InvalidEventError(name, paths);
  return { bytes: type.toBuffer(value), fingerprint: schemaFingerprints[name], eventType: eventFullNames[name] };
}

function resolveName(ref: EventRef): EventName {
  const fromType = ref.eventType === undefined ? undefined : byFullName.get(ref.eventType);
  if (ref.eventType !== undefined && fromType === undefined) {
    throw new UndecodableEventError("UNKNOWN_EVENT_TYPE", `unknown event type ${ref.eventType}`, {
      context: { ...ref },
    });
  }
  if (ref.fingerprint === undefined) {
    if (fromType === undefined) {
      throw new UndecodableEventError("UNKNOWN_EVENT_TYPE", "message names neither an event type nor a schema");
    }
    return fromType;
  }
  const fromFingerprint = byFingerprint.get(ref.fingerprint);
  if (fromFingerprint === undefined) {
    // Without a schema registry only the current schemas are known; bytes of another writer schema cannot be read.
    throw new UndecodableEventError("UNKNOWN_SCHEMA_FINGERPRINT", `unknown schema fingerprint ${ref.fingerprint}`, {
      context: { ...ref },
    });
  }
  if (fromType !== undefined && fromType !== fromFingerprint) {
    throw new UndecodableEventError(
      "EVENT_TYPE_MISMATCH",
      `event type ${ref.eventType} does not match the fingerprint of ${fromFingerprint}`,
      { context: { ...ref } },
    );
  }
  return fromFingerprint;
}

/** Decodes Avro binary written with one of the current schemas; throws UndecodableEventError otherwise. */
export function decodeEvent(ref: EventRef, bytes: Uint8Array): DecodedEvent {
  const name = resolveName(ref);
  // avsc reads through Buffer methods; kafkajs hands out Buffers already, so this copies nothing there.
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let value: unknown;
  try {
    value = avroType(name).fromBuffer(buffer);
  } catch (cause) {
    throw new UndecodableEventError("UNDECODABLE_EVENT", `cannot decode ${name}: ${(cause as Error).message}`, {
      cause,
      context: { ...ref },
    });
  }
  return { type: name, eventType: eventFullNames[name], value } as DecodedEvent;
}
