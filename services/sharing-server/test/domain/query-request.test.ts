import { describe, expect, it } from "@jest/globals";
import { parseQueryRequest } from "../../src/domain/query-request.js";
import { refusal } from "../support/refusal.js";

describe("parseQueryRequest", () => {
  it("an absent body is a plain snapshot query", () => {
    const plain = { predicateHints: [], jsonPredicateHints: undefined, limitHint: undefined, version: undefined };
    expect(parseQueryRequest(undefined)).toEqual(plain);
    expect(parseQueryRequest(null)).toEqual(plain);
    expect(parseQueryRequest({})).toEqual(plain);
  });

  it("keeps every field it honours", () => {
    const json = JSON.stringify({ op: "isNull", children: [{ op: "column", name: "export_date" }] });
    expect(
      parseQueryRequest({
        predicateHints: ["export_date = '2026-11-25'"],
        jsonPredicateHints: json,
        limitHint: 0,
        version: 3,
      }),
    ).toEqual({ predicateHints: ["export_date = '2026-11-25'"], jsonPredicateHints: json, limitHint: 0, version: 3 });
  });

  it("ignores fields it does not know (clients send more than this server uses)", () => {
    expect(parseQueryRequest({ limitHint: 5, maxFiles: 10, includeRefreshToken: true }).limitHint).toBe(5);
  });

  it("null fields are absent, as the reference server's JSON reader has them", () => {
    expect(
      parseQueryRequest({
        predicateHints: null,
        jsonPredicateHints: null,
        limitHint: null,
        version: null,
        timestamp: null,
        startingVersion: null,
        endingVersion: null,
      }),
    ).toEqual({ predicateHints: [], jsonPredicateHints: undefined, limitHint: undefined, version: undefined });
  });

  it.each([
    ["an array body", [], "MALFORMED_REQUEST"],
    ["a string body", "query", "MALFORMED_REQUEST"],
    ["a number body", 3, "MALFORMED_REQUEST"],
    ["predicateHints not an array", { predicateHints: "a = 1" }, "INVALID_PARAMETER_VALUE"],
    ["predicateHints of numbers", { predicateHints: [1] }, "INVALID_PARAMETER_VALUE"],
    ["jsonPredicateHints as an object", { jsonPredicateHints: { op: "and" } }, "INVALID_PARAMETER_VALUE"],
    ["a negative limitHint", { limitHint: -1 }, "INVALID_PARAMETER_VALUE"],
    ["a fractional limitHint", { limitHint: 1.5 }, "INVALID_PARAMETER_VALUE"],
    ["a string limitHint", { limitHint: "10" }, "INVALID_PARAMETER_VALUE"],
    ["a negative version", { version: -1 }, "INVALID_PARAMETER_VALUE"],
    ["a string version", { version: "1" }, "INVALID_PARAMETER_VALUE"],
    ["a timestamp", { timestamp: "2026-11-25T00:00:00Z" }, "UNSUPPORTED_OPERATION"],
    ["a startingVersion", { startingVersion: 0 }, "UNSUPPORTED_OPERATION"],
    ["an endingVersion", { endingVersion: 2 }, "UNSUPPORTED_OPERATION"],
  ])("refuses %s", (_, body, code) => {
    const error = refusal(() => parseQueryRequest(body));
    expect(error.code).toBe(code);
    expect(error.status).toBe(400);
  });
});
