import { describe, expect, it } from "@jest/globals";
import { authenticate, tokenSha256 } from "../../src/domain/recipient-auth.js";
import type { Recipient } from "../../src/domain/sharing-config.js";
import { refusal } from "../support/refusal.js";

const now = Date.UTC(2026, 11, 3, 12);
const alice: Recipient = {
  name: "alice",
  tokenSha256: tokenSha256("alice-token"),
  expiresAt: now + 60_000,
  shares: ["traffic"],
};
const bob: Recipient = { name: "bob", tokenSha256: tokenSha256("bob-token"), expiresAt: now, shares: ["traffic"] };
const recipients = [alice, bob];

describe("authenticate", () => {
  it("finds the recipient of a valid token", () => {
    expect(authenticate("Bearer alice-token", recipients, now)).toBe(alice);
  });

  it.each(["bearer alice-token", "BEARER alice-token", "Bearer   alice-token  "])("accepts %j", (header) => {
    expect(authenticate(header, recipients, now)).toBe(alice);
  });

  it.each([
    ["a missing header", undefined, /bearer token is required/],
    ["an empty header", "", /bearer token is required/],
    ["another scheme", "Basic YWxpY2U6eA==", /bearer token is required/],
    ["a scheme without token", "Bearer ", /bearer token is required/],
    ["two tokens", "Bearer alice-token bob-token", /bearer token is required/],
    ["an unknown token", "Bearer mallory-token", /not valid/],
    ["a token's hash as the token", `Bearer ${alice.tokenSha256}`, /not valid/],
  ])("refuses %s with UNAUTHENTICATED", (_, header, message) => {
    const error = refusal(() => authenticate(header, recipients, now));
    expect(error.code).toBe("UNAUTHENTICATED");
    expect(error.status).toBe(401);
    expect(error.message).toMatch(message);
  });

  it("refuses an expired token (at its expiry instant too) and says it expired, not whose it is", () => {
    const error = refusal(() => authenticate("Bearer bob-token", recipients, now));
    expect(error.code).toBe("UNAUTHENTICATED");
    expect(error.message).toContain("expired");
    expect(error.message).toContain(new Date(now).toISOString());
    expect(error.message).not.toContain("bob");
    expect(authenticate("Bearer bob-token", recipients, now - 1)).toBe(bob);
  });

  it("refuses everyone when there are no recipients", () => {
    expect(refusal(() => authenticate("Bearer alice-token", [], now)).code).toBe("UNAUTHENTICATED");
  });
});
