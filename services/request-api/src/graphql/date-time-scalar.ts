import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms from an ISO-8601 instant with a zone (Z or an offset); anything else is the caller's mistake. */
function parseInstant(value: unknown): number {
  if (typeof value !== "string" || !ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value)))
    throw new GraphQLError("DateTime must be an ISO-8601 instant with a zone, e.g. 2024-04-06T14:00:00Z", {
      extensions: { code: "BAD_USER_INPUT" },
    });
  return Date.parse(value);
}

/** ISO-8601 instants, beside the seed's epoch seconds: served as UTC (`…Z`), read as epoch ms. */
export const DateTimeScalar = new GraphQLScalarType<number, string>({
  name: "DateTime",
  description: "An ISO-8601 instant, served in UTC (2024-04-06T14:00:00.000Z).",
  serialize: (value) => new Date(value as number).toISOString(),
  parseValue: parseInstant,
  parseLiteral: (node) => parseInstant(node.kind === Kind.STRING ? node.value : undefined),
});
