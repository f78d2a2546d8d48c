import { describe, expect, it } from "@jest/globals";
import { callerFromClaims, mayAccess } from "../../src/auth/caller.js";

const claims = { rolesClaim: "roles", adminRole: "exporter-admin" };

describe("callerFromClaims", () => {
  it("takes the subject and whether the roles (an array or a space-separated string) hold the admin role", () => {
    expect(callerFromClaims({ sub: "alice", roles: ["reader"] }, claims)).toEqual({ id: "alice", admin: false });
    expect(callerFromClaims({ sub: "ops", roles: ["reader", "exporter-admin"] }, claims)).toEqual({
      id: "ops",
      admin: true,
    });
    expect(callerFromClaims({ sub: "ops", roles: "reader exporter-admin" }, claims)).toMatchObject({ admin: true });
    expect(callerFromClaims({ sub: "ops", scope: "exporter-admin" }, { ...claims, rolesClaim: "scope" })).toMatchObject(
      { admin: true },
    );
  });

  it("names nobody without a usable subject", () => {
    for (const payload of [
      undefined,
      null,
      "alice",
      {},
      { sub: "" },
      { sub: " " },
      { sub: 7 },
      { sub: "x".repeat(300) },
    ])
      expect(callerFromClaims(payload, claims)).toBeUndefined();
  });
});

describe("mayAccess", () => {
  it("lets a caller reach their own exports and an admin every export, scheduled ones included", () => {
    expect(mayAccess({ id: "alice", admin: false }, "alice")).toBe(true);
    expect(mayAccess({ id: "alice", admin: false }, "bob")).toBe(false);
    expect(mayAccess({ id: "alice", admin: false }, null)).toBe(false);
    expect(mayAccess({ id: "ops", admin: true }, "bob")).toBe(true);
    expect(mayAccess({ id: "ops", admin: true }, null)).toBe(true);
  });
});
