import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { buildSchema, parse, validate } from "graphql";
import { allOperations } from "../../src/api/operations.js";

// The generated SDL of request-api: an operation asking for a field it does not have fails here, not at run time.
const schema = buildSchema(
  readFileSync(new URL("../../../../services/request-api/schema.graphql", import.meta.url), "utf8"),
);

describe("the CLI's GraphQL operations", () => {
  it.each(allOperations.map((operation) => [operation.trim().split(/[\s(]/)[1] ?? "", operation]))(
    "%s is valid against request-api's schema",
    (_name, operation) => {
      expect(validate(schema, parse(operation)).map((error) => error.message)).toEqual([]);
    },
  );
});
