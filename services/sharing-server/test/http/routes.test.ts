import { describe, expect, it } from "@jest/globals";
import { SharingError } from "../../src/domain/errors.js";
import { pageRequestOf, routeOf } from "../../src/http/routes.js";

const table = { share: "s", schema: "sc", table: "t" };
const base = "/shares/s/schemas/sc/tables/t";

describe("routeOf", () => {
  it.each([
    ["GET", "/shares", { kind: "listShares" }],
    ["GET", "/shares/", { kind: "listShares" }],
    ["GET", "/shares/s", { kind: "getShare", share: "s" }],
    ["GET", "/shares/s/schemas", { kind: "listSchemas", share: "s" }],
    ["GET", "/shares/s/all-tables", { kind: "listAllTables", share: "s" }],
    ["GET", "/shares/s/schemas/sc/tables", { kind: "listTables", share: "s", schema: "sc" }],
    ["GET", `${base}/version`, { kind: "version", table }],
    ["HEAD", `${base}/version`, { kind: "version", table }],
    ["HEAD", base, { kind: "version", table }],
    ["GET", `${base}/metadata`, { kind: "metadata", table }],
    ["POST", `${base}/query`, { kind: "query", table }],
    ["GET", `${base}/changes`, { kind: "changes", table }],
    ["POST", `${base}/temporary-table-credential`, { kind: "credentials", table }],
  ])("%s %s", (method, path, route) => {
    expect(routeOf(method, path)).toEqual(route);
  });

  it.each([
    ["POST", "/shares"],
    ["DELETE", "/shares/s"],
    ["POST", "/shares/s/schemas"],
    ["GET", base],
    ["POST", `${base}/version`],
    ["GET", `${base}/query`],
    ["POST", `${base}/metadata`],
    ["GET", `${base}/temporary-table-credential`],
    ["GET", "/"],
    ["GET", ""],
    ["GET", "/share"],
    ["GET", "/other/shares"],
    ["GET", "/shares/s/tables"],
    ["GET", "/shares/s/schemas/sc"],
    ["GET", "/shares/s/schemas/sc/views/t"],
    ["GET", `${base}/unknown`],
    ["GET", `${base}/version/extra`],
    ["GET", "/shares/s/all-tables/x"],
  ])("%s %s has no route", (method, path) => {
    expect(routeOf(method, path)).toBeUndefined();
  });

  it("decodes percent-encoded names", () => {
    expect(routeOf("GET", "/shares/my%20share/schemas/sch%C3%A9ma/tables/a%2Fb/metadata")).toEqual({
      kind: "metadata",
      table: { share: "my share", schema: "schéma", table: "a/b" },
    });
  });

  it.each(["/shares/%E0%A4%A", "/shares/%zz", "/shares/s/schemas/%"])("%s is MALFORMED_REQUEST", (path) => {
    let error: unknown;
    try {
      routeOf("GET", path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SharingError);
    expect((error as SharingError).code).toBe("MALFORMED_REQUEST");
    expect((error as SharingError).status).toBe(400);
  });
});

describe("pageRequestOf", () => {
  it("reads maxResults and pageToken, null when absent", () => {
    expect(pageRequestOf(new URLSearchParams("maxResults=5&pageToken=abc"))).toEqual({
      maxResults: "5",
      pageToken: "abc",
    });
    expect(pageRequestOf(new URLSearchParams(""))).toEqual({ maxResults: null, pageToken: null });
  });
});
