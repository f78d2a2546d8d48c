import { describe, expect, it } from "@jest/globals";
import { SharingConfigError } from "../../src/domain/errors.js";
import { tokenSha256 } from "../../src/domain/recipient-auth.js";
import { parseSharingConfig } from "../../src/domain/sharing-config.js";

const recipient = (name: string, token: string, shares: string[]) => ({
  name,
  tokenSha256: tokenSha256(token),
  expiresAt: "2027-01-01T00:00:00Z",
  shares,
});

const valid = {
  shares: [
    { name: "traffic", comment: "road data", scheduled: { tables: ["way", "traffic_observation"] } },
    { name: "adhoc", onDemand: { requestedBy: ["ann@example.com"] } },
    { name: "all-of-it", scheduled: { tables: "*" }, onDemand: { requestedBy: "*" } },
  ],
  recipients: [recipient("acme", "t1", ["traffic", "adhoc"]), recipient("globex", "t2", ["all-of-it"])],
};

function problemsOf(json: unknown): string {
  try {
    parseSharingConfig(json, "sharing.json");
  } catch (error) {
    expect(error).toBeInstanceOf(SharingConfigError);
    return (error as Error).message;
  }
  throw new Error("the configuration was accepted");
}

describe("parseSharingConfig", () => {
  it("accepts a valid file and turns expiry into epoch milliseconds", () => {
    const config = parseSharingConfig(valid, "sharing.json");
    expect(config.shares.map((s) => s.name)).toEqual(["traffic", "adhoc", "all-of-it"]);
    expect(config.recipients[0]?.expiresAt).toBe(Date.UTC(2027, 0, 1));
    const withOffset = parseSharingConfig(
      { ...valid, recipients: [{ ...recipient("x", "t", ["traffic"]), expiresAt: "2027-01-01T10:00:00+10:00" }] },
      "f",
    );
    expect(withOffset.recipients[0]?.expiresAt).toBe(Date.UTC(2027, 0, 1));
  });

  it("names the file and lists every problem of the rules beyond the schema at once", () => {
    const message = problemsOf({
      shares: [...valid.shares, { name: "traffic", scheduled: { tables: "*" } }],
      recipients: [
        recipient("acme", "t1", ["traffic"]),
        recipient("acme", "t9", ["traffic"]),
        recipient("initech", "t1", ["nowhere", "adhoc"]),
      ],
    });
    expect(message).toMatch(/^sharing\.json: /);
    expect(message).toContain("share traffic is defined twice");
    expect(message).toContain("recipient acme is defined twice");
    expect(message).toContain("two recipients have the same token");
    expect(message).toContain("recipient initech is granted share nowhere, which is not defined");
    expect(message).not.toContain("adhoc, which");
  });

  it("lists every schema problem at once, with its path", () => {
    const message = problemsOf({
      shares: [{ name: "empty" }, { name: "bad name!", scheduled: { tables: "*" } }],
      recipients: [
        { name: "no-expiry", tokenSha256: tokenSha256("a"), shares: ["empty"] },
        { ...recipient("bad-hash", "b", ["empty"]), tokenSha256: "ABC" },
        { ...recipient("upper-hash", "c", ["empty"]), tokenSha256: tokenSha256("c").toUpperCase() },
        { ...recipient("no-offset", "d", ["empty"]), expiresAt: "2027-01-01T00:00:00" },
        { ...recipient("no-shares", "e", []) },
      ],
    });
    expect(message).toContain("shares.0: a share holds scheduled exports, on-demand exports or both");
    expect(message).toContain("shares.1.name: letters, digits, _ and - only");
    expect(message).toContain("recipients.0.expiresAt");
    expect(message).toContain("recipients.1.tokenSha256: 64 lowercase hex digits");
    expect(message).toContain("recipients.2.tokenSha256: 64 lowercase hex digits");
    expect(message).toContain("recipients.3.expiresAt");
    expect(message).toContain("recipients.4.shares");
  });

  it.each([
    ["an unknown top-level key", { ...valid, extra: 1 }],
    ["an unknown share key", { ...valid, shares: [{ name: "s", scheduled: { tables: "*" }, owner: "x" }] }],
    ["an empty table list", { ...valid, shares: [{ name: "s", scheduled: { tables: [] } }] }],
    ["a missing recipients list", { shares: [] }],
    ["not an object", []],
  ])("refuses %s", (_, json) => {
    expect(() => parseSharingConfig(json, "f")).toThrow(SharingConfigError);
  });
});
