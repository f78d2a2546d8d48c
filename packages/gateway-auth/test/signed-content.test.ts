import { describe, expect, it } from "@jest/globals";
import { signedContent } from "../src/index.js";

describe("signedContent", () => {
  const base = { query: "{ a }", variables: { b: 1, a: [2, { d: 3, c: 4 }] } };

  it("is the same for the same request whatever the key order, and covers the forwarded JWT payload", () => {
    const one = signedContent({ ...base, extensions: { jwt: { payload: { sub: "alice", roles: ["r"] } } } });
    const reordered = signedContent({
      query: "{ a }",
      variables: { a: [2, { c: 4, d: 3 }], b: 1 },
      extensions: { jwt: { payload: { roles: ["r"], sub: "alice" } }, "hmac-signature": "ignored" },
    });
    expect(reordered).toBe(one);
    expect(signedContent({ ...base, extensions: { jwt: { payload: { sub: "ops", roles: ["r"] } } } })).not.toBe(one);
    expect(signedContent({ ...base, variables: { b: 2, a: [2, { d: 3, c: 4 }] } })).not.toBe(signedContent(base));
  });

  it("reads absent variables as empty, as the gateway's serializer leaves them out", () => {
    expect(signedContent({ query: "{ a }" })).toBe(signedContent({ query: "{ a }", variables: {} }));
  });
});
