import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { maxRequestBodySize } from "../../src/graphql/hardening.js";
import type { GraphQLServer } from "../../src/graphql/server.js";
import { DAY, fakeIdPattern, NOW_MS, startFakeServer, type FakeServer } from "./fake-server.js";

/**
 * Fuzzes the real GraphQL server (yoga, schema, resolvers, limits) in-process with fake dependencies that count
 * calls: thousands of random and malformed requests, each checked against the contract of a caller's mistake:
 * a 200 or 4xx whose every error carries `extensions.code`, never a 5xx, a stack trace, a crash or a hang, and no
 * ExportRequested published unless the request asked for a valid window (then exactly one per returned id).
 *
 * In-process rather than through dev/harness: the service's main.ts wires exactly this server, the fakes can count
 * publishes per request id without Kafka, and thousands of requests run in seconds. Deterministic: the seed is fixed
 * unless FC_SEED is set (`FC_SEED=7 FUZZ_REQUESTS=20000 npm run test:unit -- --testPathPatterns server.fuzz`).
 */

const SEED = process.env.FC_SEED === undefined ? 20_240_406 : Number(process.env.FC_SEED);
const REQUESTS = process.env.FUZZ_REQUESTS === undefined ? 3000 : Number(process.env.FUZZ_REQUESTS);
const IN_FLIGHT = 8;
const TIMEOUT_MS = 10_000;

const NOW_S = NOW_MS / 1000;
const INT_MAX = 2 ** 31 - 1;
const EARLIEST = 946_684_800;

/** The README's rules for a window, written out independently of export-window.ts. */
function isValidWindow(start: number, end: number): boolean {
  return (
    Number.isInteger(start) &&
    Number.isInteger(end) &&
    start >= EARLIEST &&
    end <= INT_MAX &&
    end > start &&
    end - start <= 86_400 &&
    end <= NOW_S + 86_400
  );
}

// ---- generators ----------------------------------------------------------------------------------------------

interface FuzzRequest {
  /** What kind of request this is, for a failure's report. */
  readonly label: string;
  readonly method: string;
  /** Appended to the endpoint URL (a GET's parameters). */
  readonly search: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  /** Whether a valid export request may be in it: when false, no id may be returned and nothing published. */
  readonly mayBeValid: boolean;
}

interface Document {
  readonly label: string;
  readonly query: string;
  readonly variables?: unknown;
  readonly mayBeValid: boolean;
}

const weighted = <T>(...choices: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> =>
  fc.oneof(...choices.map(([weight, arbitrary]) => ({ weight, arbitrary })));

/** Epoch seconds around every edge of the rules, plus any Int. */
const seconds = weighted(
  [4, fc.integer({ min: DAY - 86_400 * 3, max: DAY + 86_400 * 3 })],
  [1, fc.constantFrom(0, -1, EARLIEST - 1, EARLIEST, NOW_S + 86_400, NOW_S + 86_401, INT_MAX, -INT_MAX - 1)],
  [1, fc.integer({ min: -INT_MAX - 1, max: INT_MAX })],
);
const window = weighted<[number, number]>(
  [3, fc.tuple(seconds, seconds)],
  [3, fc.tuple(seconds, fc.integer({ min: -10, max: 86_410 })).map(([s, d]) => [s, s + d])],
);

/** Literals of the wrong GraphQL type for an Int! argument. */
const badLiteral = fc.oneof(
  fc.constantFrom("2147483648", "-2147483649", "1.5", "1e3", "1712322000.0", "NaN", "0x10", "-", "+1"),
  fc.constantFrom('"1712322000"', "null", "true", "FOO", "[1712322000]", "{ a: 1 }", "$undeclared", '""'),
  fc.nat({ max: 20_000 }).map((n) => "9".repeat(n + 11)),
  fc.string({ maxLength: 40 }).map((s) => JSON.stringify(s)),
);
const intLiteral = (n: number): string => String(n);

const requestDataLiteral: fc.Arbitrary<Document> = weighted<Document>(
  [
    4,
    window.map(([s, e]) => ({
      label: "requestData with Int literals",
      query: `mutation { requestData(startTime: ${intLiteral(s)}, endTime: ${intLiteral(e)}) }`,
      mayBeValid: isValidWindow(s, e),
    })),
  ],
  [
    3,
    fc.tuple(badLiteral, weighted([1, badLiteral], [1, seconds.map(intLiteral)]), fc.boolean()).map(([a, b, swap]) => ({
      label: "requestData with literals of the wrong type",
      query: `mutation { requestData(startTime: ${swap ? b : a}, endTime: ${swap ? a : b}) }`,
      mayBeValid: false,
    })),
  ],
  [
    1,
    fc
      .constantFrom(
        `requestData`,
        `requestData(startTime: ${DAY})`,
        `requestData(endTime: ${DAY + 3600})`,
        `requestData(startTime: ${DAY}, endTime: ${DAY + 3600}, requestedBy: "me")`,
        `requestData(startTime: ${DAY}, startTime: ${DAY + 1}, endTime: ${DAY + 3600})`,
        `requestData(startTime: ${DAY}, endTime: ${DAY + 3600}) { id }`,
        `requestData(startTime: ${DAY}, endTime: ${DAY + 3600}) @skip(if: $x)`,
        `requestData(startTime: ${DAY}, endTime: ${DAY + 3600}) @unknown`,
        `requestData(startTime: ${DAY}, endTime: ${DAY + 3600}) requestStatus`,
      )
      .map((field) => ({ label: "requestData malformed", query: `mutation { ${field} }`, mayBeValid: false })),
  ],
  [
    1,
    window.map(([s, e]) => ({
      label: "requestData asked as a query",
      query: `query { requestData(startTime: ${s}, endTime: ${e}) }`,
      mayBeValid: false,
    })),
  ],
);

/** JSON values that are not an Int: every one must be refused before the resolver. */
const badVariable = fc.oneof(
  fc.constantFrom(1.5, 2 ** 31, -(2 ** 31) - 1, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 1712322000.5),
  fc.constantFrom("1712322000", "", null, true, [], {}, [DAY], { value: DAY }),
  fc.jsonValue({ maxDepth: 3 }).filter((v) => !Number.isInteger(v)),
);

const requestDataVariables: fc.Arbitrary<Document> = weighted<Document>(
  [
    3,
    window.map(([s, e]) => ({
      label: "requestData with Int variables",
      query: "mutation ($s: Int!, $e: Int!) { requestData(startTime: $s, endTime: $e) }",
      variables: { s, e },
      mayBeValid: isValidWindow(s, e),
    })),
  ],
  [
    3,
    fc.tuple(badVariable, weighted([1, badVariable], [1, seconds]), fc.boolean()).map(([a, b, swap]) => ({
      label: "requestData with variables of the wrong type",
      query: "mutation ($s: Int!, $e: Int!) { requestData(startTime: $s, endTime: $e) }",
      variables: swap ? { s: b, e: a } : { s: a, e: b },
      mayBeValid: false,
    })),
  ],
  [
    1,
    fc
      .tuple(
        fc.constantFrom(
          "mutation ($s: Int!, $e: Int!) { requestData(startTime: $s, endTime: $e) }",
          "mutation ($s: String!, $e: Int!) { requestData(startTime: $s, endTime: $e) }",
          "mutation ($s: Float!, $e: Float!) { requestData(startTime: $s, endTime: $e) }",
          "mutation ($s: Int, $e: Int) { requestData(startTime: $s, endTime: $e) }",
          "mutation ($s: Int!) { requestData(startTime: $s, endTime: $e) }",
          "mutation ($s: [Int!]!, $e: Int!) { requestData(startTime: $s, endTime: $e) }",
        ),
        weighted<unknown>(
          [2, fc.constant(undefined)],
          [2, fc.record({ s: fc.constant(DAY), e: badVariable })],
          [1, fc.jsonValue({ maxDepth: 2 })],
          [1, fc.constantFrom("variables", 42, [], null)],
        ),
      )
      .map(([query, variables]) => ({
        label: "requestData with missing, extra or mistyped variables",
        query,
        variables,
        // Only the first document with both variables as Ints could be valid; none of these variables is.
        mayBeValid: false,
      })),
  ],
);

/** Many aliases of requestData, directly or through fragments: one request must never publish more than once. */
const aliasStorm: fc.Arbitrary<Document> = fc
  .tuple(fc.integer({ min: 2, max: 400 }), fc.boolean(), weighted([3, fc.constant(true)], [1, fc.constant(false)]))
  .map(([n, viaFragment, validWindow]) => {
    const end = validWindow ? DAY + 3600 : DAY;
    const fields = Array.from({ length: n }, (_, i) => `a${i}: requestData(startTime: ${DAY}, endTime: ${end})`);
    const query = viaFragment
      ? `mutation { ...F } fragment F on Mutation { ${fields.join(" ")} }`
      : `mutation { ${fields.join(" ")} }`;
    return { label: `${n} aliases of requestData`, query, mayBeValid: false };
  });

const statusFields = "status progress dataRequestDownloadLinks tables { tableName files { key url } }";

const requestStatusDocs: fc.Arbitrary<Document> = fc
  .tuple(
    weighted(
      [2, fc.uuid()],
      [2, fc.string({ unit: "binary", maxLength: 80 })],
      [1, fc.nat({ max: 600_000 }).map((n) => "x".repeat(n))],
      [1, fc.constantFrom("00000000-0000-4000-8000-000000000000\u0000", "x'; drop table request_table; --", "")],
    ),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([id, asMutation, asVariable]) => ({
    label: "requestStatus with an odd id",
    query: asVariable
      ? `${asMutation ? "mutation" : "query"} ($id: String!) { requestStatus(requestId: $id) { ${statusFields} } }`
      : `${asMutation ? "mutation" : "query"} { requestStatus(requestId: ${JSON.stringify(id)}) { ${statusFields} } }`,
    variables: asVariable ? { id } : undefined,
    mayBeValid: false,
  }));

/** Nesting far past any real query: selections, list and object literals, fragment chains. */
const deepDocs: fc.Arbitrary<Document> = fc
  .tuple(
    fc.constantFrom("selections", "lists", "objects", "fragments", "parentheses"),
    fc.integer({ min: 5, max: 20_000 }),
  )
  .map(([kind, depth]) => {
    const id = '"00000000-0000-4000-8000-000000000000"';
    const query = {
      selections: `{ requestStatus(requestId: ${id}) ${"{ tables ".repeat(depth)}{ status }${" }".repeat(depth)} }`,
      lists: `mutation { requestData(startTime: ${"[".repeat(depth)}1${"]".repeat(depth)}, endTime: 2) }`,
      objects: `mutation { requestData(startTime: ${"{ a: ".repeat(depth)}1${" }".repeat(depth)}, endTime: 2) }`,
      fragments: `{ ...F0 } ${Array.from({ length: Math.min(depth, 3000) }, (_, i) => `fragment F${i} on Query { ...F${i + 1} }`).join(" ")} fragment F${Math.min(depth, 3000)} on Query { __typename }`,
      parentheses: `{ requestStatus${"(".repeat(depth)} }`,
    }[kind];
    return { label: `nested ${kind} × ${depth}`, query, mayBeValid: false };
  });

const otherDocs: fc.Arbitrary<Document> = fc.oneof(
  fc
    .constantFrom(
      "{ nope }",
      "{ __typename }",
      "{ _service { sdl } }",
      "{ __schema { types { name fields { name } } } }",
      '{ __type(name: "Mutation") { fields { name args { name type { name ofType { name } } } } } }',
      "subscription { requestData }",
      "mutation { __typename }",
      "query A { __typename } query B { __typename }",
      "{ ...F } fragment F on Query { ...F }",
      `{ __typename ${"@skip(if: false) ".repeat(60)}}`,
      `{ ${"__typename ".repeat(1200)}}`,
      "mutation { requestData(startTime: 1\u0000, endTime: 2) }",
      "\u0000",
      "",
      "{",
      "}",
    )
    .map((query) => ({ label: "odd document", query, mayBeValid: false })),
  fc.string({ unit: "binary", maxLength: 200 }).map((query) => ({ label: "random text", query, mayBeValid: false })),
  fc.string({ unit: "grapheme", maxLength: 200 }).map((query) => ({ label: "random text", query, mayBeValid: false })),
);

/** A valid request with a few random edits: usually broken, sometimes still valid (then it must publish once). */
const mutatedValid: fc.Arbitrary<Document> = fc
  .tuple(
    fc.constantFrom(
      `mutation { requestData(startTime: ${DAY}, endTime: ${DAY + 3600}) }`,
      `mutation { a: requestData(startTime: ${DAY}, endTime: ${DAY + 60}) b: requestData(startTime: ${DAY}, endTime: ${DAY + 120}) }`,
    ),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.string({ unit: "binary", maxLength: 3 })), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([query, edits]) => {
    let edited = query;
    for (const [at, deleted, inserted] of edits) {
      const i = at % (edited.length + 1);
      edited = edited.slice(0, i) + inserted + edited.slice(i + deleted);
    }
    return { label: "edited valid request", query: edited, mayBeValid: true };
  });

const document: fc.Arbitrary<Document> = weighted<Document>(
  [5, requestDataLiteral],
  [4, requestDataVariables],
  [1, aliasStorm],
  [2, requestStatusDocs],
  [1, deepDocs],
  [2, otherDocs],
  [2, mutatedValid],
);

const contentTypes = [
  "application/json",
  "application/json; charset=utf-8",
  "application/graphql-response+json",
  "application/graphql",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "text/plain",
  "application/xml",
  "application/json, text/plain",
  "application/json; charset=utf-16",
  "",
  "garbage/\u00ff",
];
const accepts = [
  undefined,
  "application/json",
  "application/graphql-response+json",
  "*/*",
  "text/event-stream",
  "multipart/mixed",
  "text/html",
  "application/json;q=0",
  "garbage;;;",
];

/** The JSON body of a document, sometimes with the wrong shape, unknown keys, batching or padding. */
function jsonBody(doc: Document): fc.Arbitrary<string> {
  const payload = { query: doc.query, variables: doc.variables };
  return weighted(
    [40, fc.constant(JSON.stringify(payload))],
    [1, fc.nat().map((n) => JSON.stringify(payload).slice(0, n % (JSON.stringify(payload).length + 1)))],
    [1, fc.integer({ min: 1, max: 60 }).map((n) => JSON.stringify(Array.from({ length: n }, () => payload)))],
    [
      1,
      fc
        .dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
        .map((extra) => JSON.stringify({ ...extra, ...payload })),
    ],
    [1, fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v))],
    [
      1,
      fc.constantFrom(
        "{ not json",
        "\u0000",
        "",
        "{}",
        "[]",
        "null",
        '{"query": 5}',
        '{"query":"{__typename}","variables":"x"}',
      ),
    ],
    [
      1,
      fc.constantFrom(
        '{"query":"{__typename}","operationName":{}}',
        '{"query":"query A {__typename}","operationName":"B"}',
        '{"query":"{__typename}","extensions":{"persistedQuery":{"version":1,"sha256Hash":"x"}}}',
      ),
    ],
    [1, fc.integer({ min: 1_048_577, max: 2_000_000 }).map((n) => JSON.stringify({ ...payload, pad: "x".repeat(n) }))],
  );
}

const fuzzRequest: fc.Arbitrary<FuzzRequest> = document.chain((doc) =>
  weighted<FuzzRequest>(
    [
      8,
      fc
        .tuple(
          jsonBody(doc),
          weighted([6, fc.constant("application/json")], [1, fc.constantFrom(...contentTypes)]),
          fc.constantFrom(...accepts),
        )
        .map(([body, contentType, accept]) => ({
          label: `POST ${doc.label}`,
          method: "POST",
          search: "",
          headers: { "content-type": contentType, ...(accept === undefined ? {} : { accept }) },
          body,
          mayBeValid: doc.mayBeValid,
        })),
    ],
    [
      2,
      fc
        .tuple(
          weighted<string | undefined>(
            [3, fc.constant(JSON.stringify(doc.variables ?? null))],
            [1, fc.string({ maxLength: 20 })],
          ),
          fc.constantFrom(...accepts),
        )
        .map(([variables, accept]) => {
          const params = new URLSearchParams({ query: doc.query });
          if (variables !== undefined && doc.variables !== undefined) params.set("variables", variables);
          return {
            label: `GET ${doc.label}`,
            method: "GET",
            search: `?${params.toString()}`,
            headers: accept === undefined ? {} : { accept },
            body: undefined,
            // A GET may never mutate.
            mayBeValid: false,
          };
        }),
    ],
    [
      1,
      fc
        .tuple(fc.constantFrom("PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"), fc.constantFrom(...contentTypes))
        .map(([method, contentType]) => ({
          label: `${method} ${doc.label}`,
          method,
          search: "",
          headers: { "content-type": contentType },
          body: method === "HEAD" ? undefined : JSON.stringify({ query: doc.query, variables: doc.variables }),
          mayBeValid: false,
        })),
    ],
    [
      1,
      fc.string({ maxLength: 30 }).map((variables) => ({
        label: `form-encoded ${doc.label}`,
        method: "POST",
        search: "",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(
          doc.variables === undefined ? { query: doc.query } : { query: doc.query, variables },
        ).toString(),
        mayBeValid: doc.mayBeValid,
      })),
    ],
  ),
);

// ---- sending and checking ------------------------------------------------------------------------------------

interface Outcome {
  readonly request: FuzzRequest;
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  readonly ms: number;
}

/** The GraphQL payloads of a response, whatever way yoga framed them (JSON, SSE, multipart). */
function payloadsOf(outcome: Outcome): unknown[] {
  const { contentType, text } = outcome;
  if (text === "") return [];
  if (contentType.startsWith("text/event-stream")) {
    return text
      .split("\n")
      .filter((line) => line.startsWith("data: ") && line !== "data: ")
      .map((line) => JSON.parse(line.slice("data: ".length)) as unknown);
  }
  if (contentType.startsWith("multipart/mixed")) {
    return text
      .split("\r\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as unknown);
  }
  return [JSON.parse(text) as unknown];
}

const isGraphQL = (o: Outcome): boolean => o.text !== "" && !o.contentType.startsWith("text/html");

/** Request ids in a payload's data: a string anywhere in it that one of our fake ids. */
function returnedIds(payload: unknown): string[] {
  const data = (payload as { data?: unknown }).data;
  if (typeof data !== "object" || data === null) return [];
  return Object.values(data).filter((v): v is string => typeof v === "string" && fakeIdPattern.test(v));
}

/** Why an outcome breaks the contract, or undefined when it keeps it. */
function violation(outcome: Outcome): string | undefined {
  const { request, status, contentType, text } = outcome;
  if (status >= 500) return `status ${status}`;
  if (status !== 200 && status !== 204 && (status < 400 || status > 499)) return `status ${status}`;
  if (/\n\s+at /.test(text)) return "a stack trace in the body";
  // Refused unread (413, or 405/406/415 before even looking at it): a body past the limit is never parsed.
  if ((request.body?.length ?? 0) > maxRequestBodySize && (status === 200 || status === 400)) {
    return `status ${status} for a huge body`;
  }
  if (contentType.startsWith("text/html")) {
    // GraphiQL, which yoga serves to a browser's GET: not an API response.
    return request.method === "GET" && (request.headers.accept ?? "").includes("text/html")
      ? undefined
      : "HTML for a request that did not ask for it";
  }
  if (text === "") return status === 200 ? "an empty 200" : undefined;
  let payloads: unknown[];
  try {
    payloads = payloadsOf(outcome);
  } catch {
    return `a body that is not GraphQL JSON (${contentType})`;
  }
  if (payloads.length === 0) return "no GraphQL payload in the body";
  for (const payload of payloads) {
    const { errors, data } = payload as { errors?: { extensions?: { code?: unknown } }[]; data?: unknown };
    if (errors === undefined && data === undefined) return "a payload with neither data nor errors";
    for (const error of errors ?? []) {
      if (typeof error.extensions?.code !== "string")
        return `an error without extensions.code: ${JSON.stringify(error)}`;
    }
    if (!request.mayBeValid && returnedIds(payload).length > 0) return "a request id for an invalid request";
    if (returnedIds(payload).length > 1) return "more than one export from one request";
  }
  return undefined;
}

async function send(server: GraphQLServer, request: FuzzRequest): Promise<Outcome> {
  const started = Date.now();
  const response = await fetch(`${server.url}${request.search}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  return {
    request,
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    text,
    ms: Date.now() - started,
  };
}

/** A raw HTTP exchange, for requests fetch refuses to send: the status line, or "closed" if the server hung up. */
function sendRaw(server: GraphQLServer, bytes: string): Promise<string> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes, "latin1"));
    let received = "";
    socket.setTimeout(TIMEOUT_MS, () => {
      socket.destroy();
      reject(new Error(`no answer within ${TIMEOUT_MS} ms to ${JSON.stringify(bytes.slice(0, 80))}`));
    });
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      // The status line is the answer; the server may still be refusing the rest of an oversized body.
      if (received.includes("\r\n")) {
        resolve(received.split("\r\n")[0] ?? "");
        socket.destroy();
      }
    });
    socket.on("error", () => resolve("closed"));
    socket.on("close", () => resolve("closed"));
  });
}

const describeRequest = (o: Outcome): string =>
  `${o.request.label}: ${o.request.method} ${o.request.search.slice(0, 200)} ${JSON.stringify(o.request.headers)} ` +
  `${(o.request.body ?? "").slice(0, 300)} → ${o.status} ${o.text.slice(0, 300)}`;

// ---- the tests -----------------------------------------------------------------------------------------------

let fake: FakeServer;
let server: GraphQLServer;

beforeAll(async () => {
  fake = await startFakeServer();
  server = fake.server;
});

afterAll(async () => {
  await fake?.close();
});

describe("request-api under random and malformed requests", () => {
  it(`answers ${REQUESTS} of them with typed errors, never a 5xx or a hang, and publishes only valid requests`, async () => {
    const requests = fc.sample(fuzzRequest, { seed: SEED, numRuns: REQUESTS });
    const outcomes: Outcome[] = [];
    const failures: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const request = requests[next++]!;
        try {
          outcomes.push(await send(server, request));
        } catch (error) {
          failures.push(`${request.label}: ${(error as Error).message} (${JSON.stringify(request).slice(0, 300)})`);
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

    for (const outcome of outcomes) {
      const why = violation(outcome);
      if (why !== undefined) failures.push(`${why} — ${describeRequest(outcome)}`);
    }
    expect(failures.slice(0, 12)).toEqual([]);

    // Exactly one ExportRequested per id handed out, each for a window the rules allow.
    const handedOut = outcomes.flatMap((o) => (isGraphQL(o) ? payloadsOf(o).flatMap(returnedIds) : []));
    expect(new Set(handedOut).size).toBe(handedOut.length);
    expect(fake.published.map((e) => e.requestId).sort()).toEqual([...handedOut].sort());
    for (const event of fake.published) {
      expect(isValidWindow(event.windowStart / 1000, event.windowEnd / 1000)).toBe(true);
    }
    expect(fake.internal).toEqual({ errorLogs: 0, internalErrors: 0 });

    // The sample is mostly malformed, yet reaches the resolver both ways (else the oracle above proves little).
    const invalid = requests.filter((r) => !r.mayBeValid).length;
    expect(invalid / requests.length).toBeGreaterThan(0.7);
    expect(fake.published.length).toBeGreaterThan(20);
    expect(outcomes.filter((o) => o.text.includes('"BAD_USER_INPUT"')).length).toBeGreaterThan(200);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(TIMEOUT_MS);
  }, 120_000);

  it("answers malformed HTTP with a 4xx or by closing the connection, and keeps serving", async () => {
    const path = new URL(server.url).pathname;
    const raw = [
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}`,
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n{`,
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${"100000\r\n" + "x".repeat(0x100000) + "\r\n"}100000\r\n${"x".repeat(0x100000)}\r\n0\r\n\r\n`,
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":`,
      `GET ${path}?query=%00 HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET ${path}?variables=%7B HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET ${path}\u0000 HTTP/1.1\r\nHost: x\r\n\r\n`,
      `POST ${path} HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0000b\r\nContent-Length: 2\r\n\r\n{}`,
      `BREW ${path} HTTP/1.1\r\nHost: x\r\n\r\n`,
      "\u0000\u0001\u0002 garbage\r\n\r\n",
    ];
    for (const bytes of raw) {
      const status = await sendRaw(server, bytes);
      expect([status, bytes.slice(0, 80)]).toEqual([
        expect.stringMatching(/^(closed|HTTP\/1\.1 (200|4\d\d) .*)$/),
        bytes.slice(0, 80),
      ]);
    }
    const before = fake.published.length;
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `mutation { requestData(startTime: ${DAY}, endTime: ${DAY + 3600}) }` }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { requestData: string } }).data.requestData).toMatch(fakeIdPattern);
    expect(fake.published.length).toBe(before + 1);
  });
});
