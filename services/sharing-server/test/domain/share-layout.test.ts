import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import {
  onDemandTableName,
  parseOnDemandTableName,
  schemasOf,
  sharesOnDemandOf,
  sharesScheduledTable,
  stableId,
} from "../../src/domain/share-layout.js";
import type { ShareConfig } from "../../src/domain/sharing-config.js";

// The exported tables' names are SQL identifiers (packages/classification identifierPattern).
const tableName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,40}$/);

describe("on-demand table names", () => {
  it("round-trip any table name (with __ and trailing _ too) and request id (property)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          tableName,
          fc.tuple(tableName, tableName).map(([a, b]) => `${a}__${b}`),
        ),
        fc.uuid(),
        (table, id) => {
          const name = onDemandTableName(table, id);
          expect(name).toMatch(/^.+__[0-9a-f]{32}$/);
          expect(parseOnDemandTableName(name)).toEqual({ table, requestId: id.toLowerCase() });
        },
      ),
    );
  });

  it("writes the request id lowercase without dashes", () => {
    expect(onDemandTableName("way", "7D8F5B8E-3C1A-4C55-9D59-5F1A2B3C4D5E")).toBe(
      "way__7d8f5b8e3c1a4c559d595f1a2b3c4d5e",
    );
  });

  it.each([
    "way",
    "way__",
    "__7d8f5b8e3c1a4c559d595f1a2b3c4d5e",
    "way__7d8f5b8e3c1a4c559d595f1a2b3c4d5",
    "way__7D8F5B8E3C1A4C559D595F1A2B3C4D5E",
    "way_7d8f5b8e3c1a4c559d595f1a2b3c4d5e",
  ])("%j is not an on-demand table", (name) => {
    expect(parseOnDemandTableName(name)).toBeUndefined();
  });
});

const share = (overrides: Partial<ShareConfig>): ShareConfig => ({ name: "s", ...overrides });

describe("what a share holds", () => {
  it("scheduled tables: all or those named", () => {
    expect(sharesScheduledTable(share({ scheduled: { tables: "*" } }), "way")).toBe(true);
    expect(sharesScheduledTable(share({ scheduled: { tables: ["way"] } }), "way")).toBe(true);
    expect(sharesScheduledTable(share({ scheduled: { tables: ["way"] } }), "road")).toBe(false);
    expect(sharesScheduledTable(share({ onDemand: { requestedBy: "*" } }), "way")).toBe(false);
  });

  it("on-demand exports: of everyone or of the callers named; an unknown caller only with *", () => {
    expect(sharesOnDemandOf(share({ onDemand: { requestedBy: "*" } }), "ann")).toBe(true);
    expect(sharesOnDemandOf(share({ onDemand: { requestedBy: "*" } }), null)).toBe(true);
    expect(sharesOnDemandOf(share({ onDemand: { requestedBy: ["ann"] } }), "ann")).toBe(true);
    expect(sharesOnDemandOf(share({ onDemand: { requestedBy: ["ann"] } }), "bob")).toBe(false);
    expect(sharesOnDemandOf(share({ onDemand: { requestedBy: ["ann"] } }), null)).toBe(false);
    expect(sharesOnDemandOf(share({ scheduled: { tables: "*" } }), "ann")).toBe(false);
  });

  it("schemas follow what the share holds", () => {
    expect(schemasOf(share({ scheduled: { tables: "*" } }))).toEqual(["scheduled"]);
    expect(schemasOf(share({ onDemand: { requestedBy: "*" } }))).toEqual(["on_demand"]);
    expect(schemasOf(share({ scheduled: { tables: "*" }, onDemand: { requestedBy: "*" } }))).toEqual([
      "scheduled",
      "on_demand",
    ]);
  });

  it("stable ids are UUID-shaped, the same for a name and different across names", () => {
    expect(stableId("share:a")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(stableId("share:a")).toBe(stableId("share:a"));
    expect(stableId("share:a")).not.toBe(stableId("share:b"));
  });
});
