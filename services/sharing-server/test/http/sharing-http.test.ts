import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createLogger } from "@data-exporter/runtime";
import type { ExportCatalog } from "../../src/domain/exported-tables.js";
import { SharingService } from "../../src/sharing-service.js";
import { onDemandTableName } from "../../src/domain/share-layout.js";
import { sharingHandler } from "../../src/http/sharing-http.js";
import { ids, now, sharingFixture } from "../support/sharing-fixture.js";

const fixture = sharingFixture();
let server: Server;
let port = 0;

beforeAll(async () => {
  const handle = sharingHandler({
    prefix: "/delta-sharing/",
    service: fixture.service,
    recipients: () => fixture.config.recipients,
    now: () => now,
    log: createLogger({ service: "sharing-http-test", level: "silent" }),
  });
  // As main.ts serves it: the handler's paths, and a 404 for everything else.
  server = createServer((req, res) => {
    if (handle(req, res)) return;
    res
      .writeHead(404, { "content-type": "application/json" })
      .end(JSON.stringify({ errorCode: "RESOURCE_DOES_NOT_EXIST", message: "not found" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

function call(
  method: string,
  path: string,
  options: { token?: string | null; body?: string | Buffer; headers?: Record<string, string>; port?: number } = {},
): Promise<Answer> {
  const token = options.token === undefined ? "acme-token" : options.token;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: options.port ?? port,
        method,
        path,
        headers: {
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(options.body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          answer = { status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") };
        });
        res.on("error", reject);
      },
    );
    let answer: Answer | undefined;
    let failure: Error | undefined;
    req.on("error", (error) => (failure = error));
    // Settled when the exchange is over: a connection reset after the answer (a body cut short) fails the call too.
    req.on("close", () => {
      if (failure !== undefined) reject(failure);
      else if (answer !== undefined) resolve(answer);
      else reject(new Error("no answer"));
    });
    req.end(options.body);
  });
}

const json = (answer: Answer): Record<string, unknown> => JSON.parse(answer.text) as Record<string, unknown>;
const lines = (answer: Answer): Record<string, Record<string, unknown>>[] =>
  answer.text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, Record<string, unknown>>);

const prefix = "/delta-sharing";
const way = `${prefix}/shares/traffic/schemas/scheduled/tables/way`;

function expectRefusal(answer: Answer, status: number, errorCode: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers["content-type"]).toMatch(/^application\/json/);
  const body = json(answer);
  expect(body["errorCode"]).toBe(errorCode);
  expect(typeof body["message"]).toBe("string");
}

describe("authentication", () => {
  it("401 without a token, with an unknown one, and with an expired one (saying so)", async () => {
    expectRefusal(await call("GET", `${prefix}/shares`, { token: null }), 401, "UNAUTHENTICATED");
    expectRefusal(await call("GET", `${prefix}/shares`, { token: "nobody" }), 401, "UNAUTHENTICATED");
    expectRefusal(
      await call("GET", `${prefix}/shares`, { headers: { authorization: "Basic YTpi" } }),
      401,
      "UNAUTHENTICATED",
    );
    const expired = await call("GET", `${prefix}/shares`, { token: "initech-token" });
    expectRefusal(expired, 401, "UNAUTHENTICATED");
    expect(json(expired)["message"]).toContain("expired");
  });

  it("even a path with no API asks for a token first (nothing is told to strangers)", async () => {
    expectRefusal(await call("GET", `${prefix}/nothing-here`, { token: null }), 401, "UNAUTHENTICATED");
  });
});

describe("listing", () => {
  it("lists the recipient's shares, paged", async () => {
    const first = await call("GET", `${prefix}/shares?maxResults=1`);
    expect(first.status).toBe(200);
    expect(first.headers["content-type"]).toBe("application/json; charset=utf-8");
    const body = json(first) as { items: { name: string }[]; nextPageToken: string };
    expect(body.items.map((s) => s.name)).toEqual(["adhoc"]);
    const second = json(
      await call("GET", `${prefix}/shares?maxResults=1&pageToken=${encodeURIComponent(body.nextPageToken)}`),
    );
    expect(second).toEqual({ items: [expect.objectContaining({ name: "traffic", comment: "road data" })] });
  });

  it("gets a share, its schemas, tables and all tables", async () => {
    expect(json(await call("GET", `${prefix}/shares/traffic`))).toEqual({
      share: { name: "traffic", id: expect.any(String), comment: "road data" },
    });
    expect(json(await call("GET", `${prefix}/shares/traffic/schemas`))).toEqual({
      items: [{ name: "scheduled", share: "traffic" }],
    });
    const tables = json(await call("GET", `${prefix}/shares/traffic/schemas/scheduled/tables`)) as {
      items: { name: string }[];
    };
    expect(tables.items.map((t) => t.name)).toEqual(["traffic_observation", "way"]);
    const all = json(await call("GET", `${prefix}/shares/adhoc/all-tables`)) as {
      items: { name: string; schema: string }[];
    };
    expect(all.items.map((t) => t.schema)).toEqual(["on_demand", "on_demand"]);
  });

  it("a bad maxResults or pageToken is 400 INVALID_PARAMETER_VALUE", async () => {
    expectRefusal(await call("GET", `${prefix}/shares?maxResults=-1`), 400, "INVALID_PARAMETER_VALUE");
    expectRefusal(await call("GET", `${prefix}/shares?pageToken=garbage`), 400, "INVALID_PARAMETER_VALUE");
  });

  it("403 for a share not granted, 404 for an unknown share, table or API", async () => {
    expectRefusal(await call("GET", `${prefix}/shares/everything/schemas`), 403, "PERMISSION_DENIED");
    expectRefusal(await call("GET", `${prefix}/shares/nowhere`), 404, "RESOURCE_DOES_NOT_EXIST");
    expectRefusal(
      await call("GET", `${prefix}/shares/traffic/schemas/scheduled/tables/missing/metadata`),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
    expectRefusal(await call("GET", `${prefix}/shares/traffic/nothing`), 404, "RESOURCE_DOES_NOT_EXIST");
    expectRefusal(await call("DELETE", `${prefix}/shares/traffic`), 404, "RESOURCE_DOES_NOT_EXIST");
    // Outside the prefix the handler does not answer: the server's own 404.
    expect((await call("GET", "/elsewhere/shares")).status).toBe(404);
  });

  it("a path that is not valid percent-encoding is 400 MALFORMED_REQUEST", async () => {
    expectRefusal(await call("GET", `${prefix}/shares/%E0%A4%A`), 400, "MALFORMED_REQUEST");
  });
});

describe("table version and metadata", () => {
  it("GET .../version and the deprecated HEAD answer the version in a header, with no body", async () => {
    const got = await call("GET", `${way}/version`);
    expect(got.status).toBe(200);
    expect(got.headers["delta-table-version"]).toBe("2");
    expect(got.text).toBe("");
    const head = await call("HEAD", way);
    expect(head.status).toBe(200);
    expect(head.headers["delta-table-version"]).toBe("2");
  });

  it("a startingTimestamp is refused: history is not shared", async () => {
    expectRefusal(
      await call("GET", `${way}/version?startingTimestamp=2026-11-24T00:00:00Z`),
      400,
      "UNSUPPORTED_OPERATION",
    );
  });

  it("metadata is ndjson: protocol, then metaData, with the version header", async () => {
    const answer = await call("GET", `${way}/metadata`);
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("application/x-ndjson; charset=utf-8");
    expect(answer.headers["delta-table-version"]).toBe("2");
    expect(answer.headers["delta-sharing-capabilities"]).toBeUndefined();
    const [protocol, metaData, ...rest] = lines(answer);
    expect(protocol).toEqual({ protocol: { minReaderVersion: 1 } });
    expect(metaData?.["metaData"]).toMatchObject({
      name: "way",
      format: { provider: "parquet" },
      partitionColumns: ["export_date"],
      numFiles: 3,
    });
    expect(rest).toEqual([]);
  });

  it("tells the response format only to a client that sent capabilities", async () => {
    const answer = await call("GET", `${way}/metadata`, {
      headers: { "delta-sharing-capabilities": "responseformat=delta,parquet;readerfeatures=deletionvectors" },
    });
    expect(answer.headers["delta-sharing-capabilities"]).toBe("responseformat=parquet");
  });

  it("change data and directory access are UNSUPPORTED_OPERATION", async () => {
    expectRefusal(await call("GET", `${way}/changes?startingVersion=0`), 400, "UNSUPPORTED_OPERATION");
    expectRefusal(
      await call("POST", `${way}/temporary-table-credential`, { body: "{}" }),
      400,
      "UNSUPPORTED_OPERATION",
    );
  });
});

describe("query", () => {
  it("answers protocol, metaData and one file line per file, and audits them", async () => {
    const before = fixture.audited.length;
    const answer = await call("POST", `${way}/query`, {
      body: JSON.stringify({ predicateHints: ["export_date >= '2026-11-24'"], limitHint: 1000 }),
      headers: { "delta-sharing-capabilities": "responseformat=parquet" },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers["delta-table-version"]).toBe("2");
    expect(answer.headers["delta-sharing-capabilities"]).toBe("responseformat=parquet");
    const [protocol, metaData, ...files] = lines(answer);
    expect(Object.keys(protocol ?? {})).toEqual(["protocol"]);
    expect(Object.keys(metaData ?? {})).toEqual(["metaData"]);
    expect(files).toHaveLength(2);
    for (const line of files) {
      expect(Object.keys(line)).toEqual(["file"]);
      expect(line["file"]).toMatchObject({
        partitionValues: { export_date: "2026-11-24" },
        expirationTimestamp: expect.any(Number),
      });
    }
    expect(
      fixture.audited
        .slice(before)
        .flat()
        .map((f) => f.recipient),
    ).toEqual(["acme", "acme"]);
  });

  it("an empty body is a snapshot query", async () => {
    const answer = await call(
      "POST",
      `${prefix}/shares/adhoc/schemas/on_demand/tables/${onDemandTableName("way", ids.annWay)}/query`,
    );
    expect(answer.status).toBe(200);
    expect(lines(answer)).toHaveLength(3);
  });

  it("malformed JSON is 400 MALFORMED_REQUEST", async () => {
    expectRefusal(await call("POST", `${way}/query`, { body: "{predicateHints:" }), 400, "MALFORMED_REQUEST");
    expectRefusal(await call("POST", `${way}/query`, { body: "[1]" }), 400, "MALFORMED_REQUEST");
  });

  it("an invalid field is 400 INVALID_PARAMETER_VALUE, another version too", async () => {
    expectRefusal(await call("POST", `${way}/query`, { body: '{"limitHint":"ten"}' }), 400, "INVALID_PARAMETER_VALUE");
    expectRefusal(await call("POST", `${way}/query`, { body: '{"version":1}' }), 400, "INVALID_PARAMETER_VALUE");
    expectRefusal(
      await call("POST", `${way}/query`, { body: '{"timestamp":"2026-11-24T00:00:00Z"}' }),
      400,
      "UNSUPPORTED_OPERATION",
    );
  });

  it("a body over 1 MiB is 400, and the server goes on serving", async () => {
    const big = JSON.stringify({ predicateHints: ["x".repeat(8 << 20)] });
    expectRefusal(await call("POST", `${way}/query`, { body: big }), 400, "MALFORMED_REQUEST");
    expect((await call("GET", `${way}/version`)).status).toBe(200);
  });

  it("a file whose link is refused is a 500 with the protocol's error body, and nothing served", async () => {
    const before = fixture.audited.length;
    const answer = await call(
      "POST",
      `${prefix}/shares/adhoc/schemas/on_demand/tables/${onDemandTableName("way", ids.stray)}/query`,
      {
        body: "{}",
      },
    );
    expectRefusal(answer, 500, "INTERNAL_ERROR");
    expect(answer.text).not.toContain("https://");
    expect(fixture.audited.length).toBe(before);
  });
});

describe("a failure that is not a refusal", () => {
  let failing: Server;
  let logged: unknown[] = [];

  beforeAll(async () => {
    const broken = new Error("connection to 10.0.0.5:5432 refused, password=hunter2");
    const down: ExportCatalog = {
      scheduledTables: () => Promise.reject(broken),
      scheduledTable: () => Promise.reject(broken),
      onDemandEntries: () => Promise.reject(broken),
      onDemandPart: () => Promise.reject(broken),
    };
    const log = createLogger({ service: "sharing-http-test", level: "silent" });
    log.error = (...args: unknown[]) => {
      logged.push(args[0]);
    };
    const handle = sharingHandler({
      prefix: "/delta-sharing",
      service: new SharingService({
        config: () => fixture.config,
        catalog: down,
        columnsOf: () => Promise.resolve({ columns: [], comments: {} }),
        presign: () => Promise.resolve(undefined),
        audit: () => Promise.resolve(),
        now: () => now,
        maxPage: 100,
      }),
      recipients: () => fixture.config.recipients,
      now: () => now,
      log,
    });
    failing = createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => failing.listen(0, "127.0.0.1", resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => failing.close(() => resolve()));
  });

  it("is a 500 INTERNAL_ERROR that tells the recipient nothing of the cause, and is logged", async () => {
    logged = [];
    const answer = await call("GET", `${prefix}/shares/traffic/schemas/scheduled/tables`, {
      port: (failing.address() as AddressInfo).port,
    });
    expectRefusal(answer, 500, "INTERNAL_ERROR");
    expect(answer.text).not.toMatch(/10\.0\.0\.5|hunter2/);
    expect(logged).toHaveLength(1);
  });
});
