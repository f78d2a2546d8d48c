import { describe, expect, it } from "@jest/globals";
import { codeFor } from "../src/error-codes.js";

describe("codeFor", () => {
  it("names the JWT plugin's refusals UNAUTHENTICATED and leaves coded errors alone", () => {
    expect(codeFor({ message: "Unauthenticated", extensions: { http: { status: 401 } } })).toBe("UNAUTHENTICATED");
    expect(codeFor({ message: "Failed to decode authentication token", extensions: { http: { status: 400 } } })).toBe(
      "UNAUTHENTICATED",
    );
    expect(codeFor({ message: "x", extensions: { code: "NOT_FOUND", http: { status: 401 } } })).toBeUndefined();
    expect(codeFor({ message: "Syntax Error", extensions: { http: { status: 400 } } })).toBeUndefined();
  });
});
