import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { acceptsAnAnswer, maxRequestBodySize } from "../../src/graphql/hardening.js";
import { DAY, startFakeServer, type FakeServer } from "./fake-server.js";

// One example per rule of hardening.ts, each a defect server.fuzz.test.ts found: what the caller gets, and that
// nothing was published.

let fake: FakeServer;

beforeAll(async () => {
  fake = await startFakeServer();
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => {
  fake.published.length = 0;
});

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function post(body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(fake.server.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? {} : (JSON.parse(text) as Answer["body"]) };
}

const codes = (answer: Answer): (string | undefined)[] => (answer.body.errors ?? []).map((e) => e.extensions?.code);
const requestData = (alias: string): string => `${alias}: requestData(startTime: ${DAY}, endTime: ${DAY + 3600})`;

describe("request-api's hardening", () => {
  it("runs requestData only alone in its mutation, so no other field's error can lose its id", async () => {
    const invalid = `b: requestData(startTime: ${DAY}, endTime: ${DAY})`;
    for (const query of [
      // Found by the fuzz test: b's error nulled all of data, a's export ran and its id was lost.
      `mutation { ${requestData("a")} ${invalid} }`,
      `mutation { ...F } fragment F on Mutation { ${requestData("a")} ${invalid} }`,
      `mutation { ${requestData("a")} requestStatus(requestId: "x") { status } }`,
      `mutation { ${requestData("a")} ... on Mutation { ${requestData("b")} } }`,
    ]) {
      const refused = await post(JSON.stringify({ query }));
      expect(refused.body.errors?.[0]?.message).toMatch(/only field of its mutation/);
      expect(codes(refused)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    }
    expect(fake.published).toEqual([]);
    const alone = await post(JSON.stringify({ query: `mutation { ${requestData("id")} __typename }` }));
    expect(alone.body.data).toMatchObject({ id: expect.stringMatching(/^0{8}-/) as unknown, __typename: "Mutation" });
    expect(fake.published).toHaveLength(1);
  });

  it("answers up to 15 aliases of requestStatus and refuses 16 (each is a read-model lookup)", async () => {
    const statuses = (n: number): string =>
      Array.from(
        { length: n },
        (_, i) => `s${i}: requestStatus(requestId: "${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}") { status }`,
      ).join(" ");
    expect(await post(JSON.stringify({ query: `{ ${statuses(15)} }` }))).toMatchObject({
      status: 200,
      body: { data: {} },
    });
    const refused = await post(JSON.stringify({ query: `{ ${statuses(16)} }` }));
    expect(refused.body.errors?.[0]?.message).toMatch(/Aliases limit of 15 exceeded/);
    expect(codes(refused)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
  });

  it("refuses a deeply nested document while parsing it, instead of overflowing the stack (a 500)", async () => {
    const nested = `mutation { requestData(startTime: ${"{ a: ".repeat(20_000)}1${" }".repeat(20_000)}, endTime: 2) }`;
    const answer = await post(JSON.stringify({ query: nested }));
    expect(answer.status).toBe(200);
    expect(codes(answer)).toEqual(["GRAPHQL_PARSE_FAILED"]);
    const deep = `{ requestStatus(requestId: "x") ${"{ tables ".repeat(6)}{ status }${" }".repeat(6)} }`;
    expect(codes(await post(JSON.stringify({ query: deep })))).toContain("GRAPHQL_VALIDATION_FAILED");
  });

  it("refuses an Accept header it cannot answer before running the mutation: no export without its id", async () => {
    const query = JSON.stringify({ query: `mutation { ${requestData("id")} }` });
    for (const accept of ["text/html", "garbage;;;", "application/json; charset=utf-16"]) {
      expect((await post(query, { accept })).status).toBe(406);
    }
    expect(fake.published).toEqual([]);
    expect((await post(query, { accept: "text/html, application/json;q=0.5" })).status).toBe(200);
    expect(fake.published).toHaveLength(1);
  });

  it("reads the Accept header as yoga's content negotiation does", () => {
    for (const accept of [null, "", "*/*", "application/*", "application/json", "text/event-stream", "multipart/mixed"])
      expect(acceptsAnAnswer(accept)).toBe(true);
    for (const accept of ["text/html", "text/plain", "application/xml", "garbage", "application/json;charset=latin1"])
      expect(acceptsAnAnswer(accept)).toBe(false);
  });

  it("answers malformed JSON in a GET's or form's variables with a 400 BAD_REQUEST, not a 500", async () => {
    const get = await fetch(`${fake.server.url}?query=%7B__typename%7D&variables=%7Bnot-json`);
    expect(get.status).toBe(400);
    expect(codes({ status: get.status, body: (await get.json()) as Answer["body"] })).toEqual(["BAD_REQUEST"]);
    const form = await post(new URLSearchParams({ query: "{ __typename }", extensions: "{" }).toString(), {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(400);
    expect(codes(form)).toEqual(["BAD_REQUEST"]);
  });

  it("gives variables of the wrong type a code (BAD_USER_INPUT) and publishes nothing", async () => {
    const query = "mutation ($s: Int!, $e: Int!) { requestData(startTime: $s, endTime: $e) }";
    for (const variables of [
      { s: "1712322000", e: DAY + 3600 },
      { s: 2 ** 31, e: 1 },
      { s: DAY },
      { s: 1.5, e: null },
    ]) {
      const answer = await post(JSON.stringify({ query, variables }));
      expect(answer.status).toBe(400);
      expect(codes(answer).length).toBeGreaterThan(0);
      expect(new Set(codes(answer))).toEqual(new Set(["BAD_USER_INPUT"]));
    }
    expect(fake.published).toEqual([]);
  });

  it(`refuses a body over ${maxRequestBodySize} bytes unread, with 413`, async () => {
    const body = JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(maxRequestBodySize) } });
    const answer = await post(body);
    expect(answer.status).toBe(413);
    expect(codes(answer)).toEqual(["REQUEST_ENTITY_TOO_LARGE"]);
  });
});
