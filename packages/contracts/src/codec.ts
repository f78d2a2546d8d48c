import avsc from "avsc";
import { InvalidEventError, UndecodableEventError } from "./errors.js";
import type { EventMap, EventName } from "./generated/events.js";
import { eventFullNames, eventNames, previousSchemas, schemaFingerprints, schemas } from "./generated/events.js";
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

/** An earlier version of an event's schema, named by the fingerprint its writers put in the header. */
export interface PreviousSchema {
  /** Hex SHA-256 of its Parsing Canonical Form (see `schemaFingerprint`). */
  readonly fingerprint: string;
  readonly schema: unknown;
}

/** Earlier schema versions per event; the generated `previousSchemas` holds every committed one. */
export type PreviousSchemas = Readonly<Partial<Record<EventName, readonly PreviousSchema[]>>>;

/** Decodes an event written with the current or a previous schema, in the current schema's shape. */
export type EventDecoder = (ref: EventRef, bytes: Uint8Array) => DecodedEvent;

const types = new Map<EventName, avsc.Type>();
const byFullName = new Map<string, EventName>(eventNames.map((name) => [eventFullNames[name], name]));
const currentByFingerprint = new Map<string, EventName>(eventNames.map((name) => [schemaFingerprints[name], name]));

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

/** How the bytes of one writer schema are read: a previous version carries the schema to resolve from. */
interface WriterSchema {
  readonly name: EventName;
  readonly previous?: PreviousSchema;
}

function writerIndex(previousVersions: PreviousSchemas): Map<string, WriterSchema> {
  const index = new Map<string, WriterSchema>(
    [...currentByFingerprint].map(([fingerprint, name]) => [fingerprint, { name }]),
  );
  for (const name of eventNames) {
    for (const version of previousVersions[name] ?? []) {
      // The canonical form includes the full name, so a known fingerprint is this very schema (the current one).
      if (index.has(version.fingerprint)) continue;
      index.set(version.fingerprint, { name, previous: version });
    }
  }
  return index;
}

function resolveWriter(ref: EventRef, writers: ReadonlyMap<string, WriterSchema>): WriterSchema {
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
    return { name: fromType };
  }
  const writer = writers.get(ref.fingerprint);
  if (writer === undefined) {
    // Without a schema registry only the current and the committed previous schemas are known.
    throw new UndecodableEventError("UNKNOWN_SCHEMA_FINGERPRINT", `unknown schema fingerprint ${ref.fingerprint}`, {
      context: { ...ref },
    });
  }
  if (fromType !== undefined && fromType !== writer.name) {
    throw new UndecodableEventError(
      "EVENT_TYPE_MISMATCH",
      `event type ${ref.eventType} does not match the fingerprint of ${writer.name}`,
      { context: { ...ref } },
    );
  }
  return writer;
}

/**
 * A decoder that reads events written with the current schemas and with the given previous versions, resolving
 * the latter to the current schema (Avro schema resolution: added fields take their defaults). Pure; resolvers
 * are built on first use and cached per decoder. `decodeEvent` is the one built from every committed version.
 */
export function createDecoder(previousVersions: PreviousSchemas): EventDecoder {
  const writers = writerIndex(previousVersions);
  const resolvers = new Map<string, avsc.Resolver>();

  const resolverFor = (name: EventName, previous: PreviousSchema, ref: EventRef): avsc.Resolver => {
    let resolver = resolvers.get(previous.fingerprint);
    if (!resolver) {
      try {
        const writerType = avsc.Type.forSchema(structuredClone(previous.schema) as avsc.Schema);
        resolver = avroType(name).createResolver(writerType);
      } catch (cause) {
        // test/compatibility.test.ts keeps committed versions resolvable; this guards injected tables.
        throw new UndecodableEventError(
          "UNDECODABLE_EVENT",
          `cannot read ${name} written with schema ${previous.fingerprint}: ${(cause as Error).message}`,
          { cause, context: { ...ref } },
        );
      }
      resolvers.set(previous.fingerprint, resolver);
    }
    return resolver;
  };

  return (ref, bytes) => {
    const { name, previous } = resolveWriter(ref, writers);
    const resolver = previous === undefined ? undefined : resolverFor(name, previous, ref);
    // avsc reads through Buffer methods; kafkajs hands out Buffers already, so this copies nothing there.
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let value: unknown;
    try {
      value = avroType(name).fromBuffer(buffer, resolver);
    } catch (cause) {
      throw new UndecodableEventError("UNDECODABLE_EVENT", `cannot decode ${name}: ${(cause as Error).message}`, {
        cause,
        context: { ...ref },
      });
    }
    return { type: name, eventType: eventFullNames[name], value } as DecodedEvent;
  };
}

/**
 * Decodes Avro binary written with the current or any committed previous version of an event's schema, returning
 * the current shape; throws UndecodableEventError for an unknown type or schema, or corrupt bytes.
 */
export const decodeEvent: EventDecoder = createDecoder(previousSchemas);
