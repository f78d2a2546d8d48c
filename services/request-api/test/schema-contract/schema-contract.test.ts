import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "@jest/globals";
import { composeServices } from "@theguild/federation-composition";
import { parse } from "graphql";
import { experimentManagerSdl } from "../../../../dev/harness/experiment-manager.js";
import { subgraphSdl } from "../../src/graphql/type-defs.js";
import { committedSdlOf, compareWithCommitted, currentSchemaSdl } from "../../src/schema-contract/schema-contract.js";

const committedFile = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "schema.graphql");
const committed = committedSdlOf(readFileSync(committedFile, "utf8"));

describe("the committed schema contract (schema.graphql)", () => {
  it("is exactly what the code defines (npm run gen:schema after a change)", () => {
    const { breaking, dangerous, identical } = compareWithCommitted(committed);
    // Breaking changes first: they need --allow-breaking and a word to callers, not only a regeneration.
    expect(breaking.map((c) => `${c.type}: ${c.description}`)).toEqual([]);
    expect(dangerous.map((c) => `${c.type}: ${c.description}`)).toEqual([]);
    expect(identical).toBe(true);
  });

  it("keeps the seed's operations and their argument types", () => {
    expect(committed).toMatch(/requestData\(\s*endTime: Int!\s[\s\S]*?startTime: Int!\s*\): String!/);
    expect(committed).toMatch(/type Mutation \{[\s\S]*requestStatus\(requestId: String!\): RequestStatus!/);
  });

  it("reports a removed field or a changed argument type as breaking, a new field as neither", () => {
    const current = currentSchemaSdl();
    const removed = current.replace("  skippedTables: [SkippedTable!]!\n", "");
    expect(removed).not.toBe(current);
    expect(compareWithCommitted(current, removed).breaking.map((c) => c.type)).toEqual(["FIELD_REMOVED"]);
    const retyped = current.replace(/(requestData\(\s*)endTime: Int!/, "$1endTime: Float!");
    expect(retyped).not.toBe(current);
    expect(compareWithCommitted(current, retyped).breaking.map((c) => c.type)).toEqual(["ARG_CHANGED_KIND"]);
    const added = current.replace("type SkippedTable {", "type SkippedTable {\n  note: String");
    expect(compareWithCommitted(current, added)).toMatchObject({ breaking: [], dangerous: [], identical: false });
  });

  it("composes as a Federation v2 subgraph with Experiment Manager, which extends the ExportRequest entity", () => {
    const result = composeServices([
      { name: "data-exporter", url: "http://127.0.0.1:4001/graphql", typeDefs: parse(subgraphSdl) },
      { name: "experiment-manager", url: "http://127.0.0.1:4006/graphql", typeDefs: parse(experimentManagerSdl) },
    ]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.supergraphSdl).toContain("requestData");
    expect(result.supergraphSdl).toMatch(/type ExportRequest[^{]*@join__type\(graph: DATA_EXPORTER, key: "id"\)/);
    expect(result.supergraphSdl).toMatch(/experiment: Experiment @join__field\(graph: EXPERIMENT_MANAGER\)/);
  });
});
