import { createHash, generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import jwt from "jsonwebtoken";
import pg from "pg";
import {
  firstDemoDay,
  gatewayExtensions,
  graphql,
  requestData,
  startDeployment,
  startDeploymentGateway,
  useBearerToken,
  waitForExport,
  type DeploymentGateway,
  type TestDeployment,
} from "../../dev/harness/index.js";

/**
 * The seed's flow through the running Hive gateway as a real caller makes it: a JWT at the gateway, the identity
 * forwarded to request-api, which answers only requests the gateway signed. Every refusal is checked by its stable
 * extensions.code, and nothing is told about an export that is not the caller's.
 */
let deployment: TestDeployment;
let gateway: DeploymentGateway;
let window: [number, number];
const tokens: Record<"alice" | "bob" | "admin" | "carol", string> = { alice: "", bob: "", admin: "", carol: "" };

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? {} : (JSON.parse(text) as Answer["body"]) };
}

const as = (who: keyof typeof tokens): Record<string, string> => ({ authorization: `Bearer ${tokens[who]}` });
const statusQuery = (id: string): string => `{ requestStatus(requestId: "${id}") { requestId status progress } }`;

beforeAll(async () => {
  // Small quotas, so one caller (carol) reaches both; the other callers stay under them.
  deployment = await startDeployment({
    label: "auth",
    env: { QUOTA_CONCURRENT_EXPORTS: "2", QUOTA_DAILY_EXPORTS: "5" },
  });
  gateway = await startDeploymentGateway(deployment);
  window = firstDemoDay(deployment);
  tokens.alice = gateway.issuer.mint({ sub: "alice", roles: [] });
  tokens.bob = gateway.issuer.mint({ sub: "bob", roles: [] });
  tokens.admin = gateway.issuer.mint({ sub: "ops", roles: ["exporter-admin"] });
  tokens.carol = gateway.issuer.mint({ sub: "carol", roles: [] });
}, 240_000);

afterAll(async () => {
  await gateway?.stop();
  await deployment?.stop();
});

describe("through the gateway with a token", () => {
  let aliceExport: string;

  it("runs the seed's flow for its caller: requestData, then requestStatus until Completed with links", async () => {
    useBearerToken(gateway.url, tokens.alice);
    aliceExport = await requestData(gateway.url, ...window);
    const done = await waitForExport(gateway.url, aliceExport, 120_000);
    expect(done.status).toBe("Completed");
    expect(Object.keys(done.dataRequestDownloadLinks).length).toBeGreaterThan(0);
  });

  it("tells another caller nothing about it, while an admin sees it", async () => {
    const bob = await post(gateway.url, { query: statusQuery(aliceExport) }, as("bob"));
    expect(bob.body.data?.["requestStatus"]).toEqual({
      requestId: aliceExport,
      status: "Request has not been requested",
      progress: 0,
    });
    const unknown = await post(gateway.url, { query: statusQuery("00000000-0000-4000-8000-000000000001") }, as("bob"));
    expect(unknown.body.data?.["requestStatus"]).toMatchObject({ status: "Request has not been requested" });
    const admin = await post(gateway.url, { query: statusQuery(aliceExport) }, as("admin"));
    expect(admin.body.data?.["requestStatus"]).toMatchObject({ status: "Completed", progress: 100 });
  });

  it("records the verified caller, not a header the caller sends", async () => {
    // Bob claims to be alice in the old header: the export is bob's, so reuse does not hand him alice's export.
    const bobsOwn = await post(
      gateway.url,
      { query: `mutation { requestData(startTime: ${window[0]}, endTime: ${window[1]}) }` },
      { ...as("bob"), "x-requested-by": "alice" },
    );
    const id = bobsOwn.body.data?.["requestData"] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(id).not.toBe(aliceExport);
    const aliceSees = await post(gateway.url, { query: statusQuery(id) }, as("alice"));
    expect(aliceSees.body.data?.["requestStatus"]).toMatchObject({ status: "Request has not been requested" });
  });
});

describe("export requests as entities, listed and composed with Experiment Manager", () => {
  const gql = async (who: keyof typeof tokens, query: string, variables: Record<string, unknown> = {}) =>
    (await post(gateway.url, { query, variables }, as(who))).body;
  let first: string;
  let second: string;

  beforeAll(async () => {
    // alice's two exports of this suite: the first demo day (above) and its first hour, newest last.
    const listed = await gql("alice", "{ exportRequests { edges { node { id } } } }");
    first = (listed.data?.["exportRequests"] as { edges: { node: { id: string } }[] }).edges[0]?.node.id ?? "";
    useBearerToken(gateway.url, tokens.alice);
    second = await requestData(gateway.url, window[0], window[0] + 3600);
    await waitForExport(gateway.url, second, 120_000);
  });

  it("serves one export with ISO-8601 times to its caller, NOT_FOUND to anyone else and for an unknown id", async () => {
    const query = `query ($id: ID!) { exportRequest(id: $id) { id status requestedBy requestedAt windowStart windowEnd mode } }`;
    const own = await gql("alice", query, { id: second });
    expect(own.data?.["exportRequest"]).toEqual({
      id: second,
      status: "Completed",
      requestedBy: "alice",
      requestedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/) as unknown,
      windowStart: new Date(window[0] * 1000).toISOString(),
      windowEnd: new Date((window[0] + 3600) * 1000).toISOString(),
      mode: "ON_DEMAND",
    });
    for (const [who, id] of [
      ["bob", second],
      ["alice", "00000000-0000-4000-8000-000000000009"],
    ] as const) {
      const refused = await gql(who, query, { id });
      expect(refused.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
      expect(refused.data ?? null).toBeNull();
    }
  });

  it("lists a caller's exports newest first, a page at a time, and only theirs", async () => {
    const page = `query ($after: String) { exportRequests(first: 1, after: $after) {
      edges { cursor node { id requestedBy } } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      edges: { cursor: string; node: { id: string; requestedBy: string } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string };
    };
    const one = (await gql("alice", page)).data?.["exportRequests"] as Page;
    expect(one.edges.map((e) => e.node.id)).toEqual([second]);
    expect(one.pageInfo.hasNextPage).toBe(true);
    const two = (await gql("alice", page, { after: one.pageInfo.endCursor })).data?.["exportRequests"] as Page;
    expect(two.edges.map((e) => e.node.id)).toEqual([first]);
    expect(two.pageInfo.hasNextPage).toBe(false);

    const bobs = (await gql("bob", "{ exportRequests { edges { node { requestedBy } } } }")).data?.[
      "exportRequests"
    ] as Page;
    expect(bobs.edges.every((e) => e.node.requestedBy === "bob")).toBe(true);
    const spying = await gql("bob", `{ exportRequests(filter: { requestedBy: "alice" }) { edges { cursor } } }`);
    expect(spying.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const admin = (
      await gql(
        "admin",
        `{ exportRequests(filter: { requestedBy: "alice", status: ["Completed"] }) {
      edges { node { id } } } }`,
      )
    ).data?.["exportRequests"] as Page;
    expect(admin.edges.map((e) => e.node.id)).toEqual([second, first]);
    const bad = await gql("alice", `{ exportRequests(first: 0) { edges { cursor } } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("resolves an Experiment's exports through federation, for the caller who may see them", async () => {
    const created = await gql("alice", `mutation { createExperiment(name: "speed model v2") { id } }`);
    const experimentId = (created.data?.["createExperiment"] as { id: string }).id;
    await gql("alice", `mutation ($e: ID!, $x: ID!) { attachExport(experimentId: $e, exportRequestId: $x) { id } }`, {
      e: experimentId,
      x: second,
    });
    const query = `query ($id: ID!) { experiment(id: $id) { name exports { id status requestedBy windowStart } } }`;
    const seen = await gql("alice", query, { id: experimentId });
    expect(seen.data?.["experiment"]).toEqual({
      name: "speed model v2",
      exports: [
        {
          id: second,
          status: "Completed",
          requestedBy: "alice",
          windowStart: new Date(window[0] * 1000).toISOString(),
        },
      ],
    });
    // The other way round: request-api's entity, extended by Experiment Manager.
    const back = await gql("alice", `query ($id: ID!) { exportRequest(id: $id) { id experiment { name } } }`, {
      id: second,
    });
    expect(back.data?.["exportRequest"]).toEqual({ id: second, experiment: { name: "speed model v2" } });
    // Bob sees the experiment (Experiment Manager's to decide), not alice's export in it.
    const bobSees = await gql("bob", query, { id: experimentId });
    expect((bobSees.data?.["experiment"] as { exports: unknown[] } | undefined)?.exports).toEqual([null]);
  });
});

describe("download links", () => {
  const gql = async (who: keyof typeof tokens, query: string, variables: Record<string, unknown> = {}) =>
    (await post(gateway.url, { query, variables }, as(who))).body;
  const links = `query ($id: String!) { requestStatus(requestId: $id) {
    linksExpireAt tables { finishedAt files { url sha256 expiresAt } } } }`;
  type Links = {
    linksExpireAt: string;
    tables: { finishedAt: string; files: { url: string; sha256: string; expiresAt: string }[] }[];
  };

  it("expire a day after their table finished, and reading the status does not re-sign them", async () => {
    const id = (await gql("alice", "{ exportRequests(first: 1) { edges { node { id } } } }")).data?.[
      "exportRequests"
    ] as { edges: { node: { id: string } }[] };
    const requestId = id.edges[0]?.node.id ?? "";
    const once = (await gql("alice", links, { id: requestId })).data?.["requestStatus"] as Links;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const twice = (await gql("alice", links, { id: requestId })).data?.["requestStatus"] as Links;
    expect(twice).toEqual(once);
    for (const table of once.tables)
      for (const file of table.files)
        expect(Date.parse(file.expiresAt)).toBe(Date.parse(table.finishedAt) + 86_400_000);
    expect(once.linksExpireAt).toBe(once.tables.map((t) => t.files[0]?.expiresAt ?? "~").sort()[0]);
  });

  it("are granted a new day only by refreshLinks, for their owner, audited", async () => {
    const listed = (await gql("alice", "{ exportRequests(first: 1) { edges { node { id } } } }")).data?.[
      "exportRequests"
    ] as { edges: { node: { id: string } }[] };
    const requestId = listed.edges[0]?.node.id ?? "";
    const refresh = `mutation ($id: ID!) { refreshLinks(id: $id) { id linksExpireAt } }`;
    const bob = await gql("bob", refresh, { id: requestId });
    expect(bob.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");

    const before = (await gql("alice", links, { id: requestId })).data?.["requestStatus"] as Links;
    const began = Date.now();
    const refreshed = (await gql("alice", refresh, { id: requestId })).data?.["refreshLinks"] as {
      linksExpireAt: string;
    };
    expect(Date.parse(refreshed.linksExpireAt)).toBeGreaterThanOrEqual(began + 86_400_000 - 1000);
    const after = (await gql("alice", links, { id: requestId })).data?.["requestStatus"] as Links;
    expect(after.linksExpireAt).toBe(refreshed.linksExpireAt);
    const [oldFile, newFile] = [before.tables[0]?.files[0], after.tables[0]?.files[0]];
    expect(newFile?.url).not.toBe(oldFile?.url);
    const bytes = new Uint8Array(await (await fetch(newFile?.url ?? "")).arrayBuffer());
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(oldFile?.sha256);

    const state = new pg.Pool({ connectionString: deployment.serviceEnv.DATABASE_URL, max: 1 });
    try {
      const { rows } = await state.query<{ granted_by: string }>(
        `SELECT granted_by FROM "${deployment.names.statusSchema}".link_grants WHERE de_request_id = $1`,
        [requestId],
      );
      expect(rows.map((r) => r.granted_by)).toEqual(["alice"]);
    } finally {
      await state.end();
    }
  });
});

describe("refusals", () => {
  it("limits a caller's running and daily exports with RATE_LIMITED, counting only exports it started", async () => {
    const request = (hour: number) =>
      post(
        gateway.url,
        {
          query: `mutation ($s: Int!, $e: Int!) { requestData(startTime: $s, endTime: $e, force: true) }`,
          variables: { s: window[0] + hour * 3600, e: window[0] + (hour + 1) * 3600 },
        },
        as("carol"),
      );
    const idOf = (answer: Answer): string => answer.body.data?.["requestData"] as string;
    useBearerToken(gateway.url, tokens.carol);
    // Two running at once is the limit: the third is refused while they run.
    const running = [idOf(await request(0)), idOf(await request(1))];
    const third = await request(2);
    expect(third.body.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    expect(third.body.errors?.[0]?.message).toMatch(/at most 2 exports may run at once/);
    for (const id of running) await waitForExport(gateway.url, id, 120_000);
    // Five a day: three more (one at a time), then the sixth is refused; the refused one never counted.
    for (const hour of [2, 3, 4]) await waitForExport(gateway.url, idOf(await request(hour)), 120_000);
    const sixth = await request(5);
    expect(sixth.body.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    expect(sixth.body.errors?.[0]?.message).toMatch(/at most 5 exports may be started in 24 hours/);
  });

  it("refuses a request without a token, or with a token the gateway cannot verify, as UNAUTHENTICATED", async () => {
    const none = await post(gateway.url, { query: statusQuery("00000000-0000-4000-8000-000000000001") });
    expect(none.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(none.body.data ?? null).toBeNull();

    const otherKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const forged = jwt.sign({ roles: ["exporter-admin"] }, otherKey, { algorithm: "RS256", subject: "mallory" });
    const expired = gateway.issuer.mint({ sub: "alice", roles: [] }, -60);
    for (const token of [forged, expired, "not-a-jwt"]) {
      const answer = await post(
        gateway.url,
        { query: `mutation { requestData(startTime: ${window[0]}, endTime: ${window[1]}) }` },
        { authorization: `Bearer ${token}` },
      );
      expect(answer.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
  });

  it("answers nothing that bypasses the gateway: unsigned, or signed for another identity", async () => {
    const query = statusQuery("00000000-0000-4000-8000-000000000001");
    const unsigned = await post(deployment.graphqlUrl, { query });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    // A request the gateway signed for alice, replayed with an admin's payload: the signature no longer matches.
    const signed = gatewayExtensions(
      deployment.serviceEnv.GATEWAY_HMAC_SECRET ?? "",
      { query, variables: {} },
      { sub: "alice", roles: [] },
    );
    const replayed = await post(deployment.graphqlUrl, {
      query,
      variables: {},
      extensions: { ...signed, jwt: { payload: { sub: "ops", roles: ["exporter-admin"] } } },
    });
    expect(replayed.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const genuine = await post(deployment.graphqlUrl, { query, variables: {}, extensions: signed });
    expect(genuine.body.data?.["requestStatus"]).toMatchObject({ status: "Request has not been requested" });
  });

  it("refuses a form-encoded POST (CSRF) and answers no introspection or GraphiQL in production mode", async () => {
    const form = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...as("alice") },
      body: `query=${encodeURIComponent("{ __typename }")}`,
    });
    expect(form.status).toBeGreaterThanOrEqual(400);

    const introspection = await post(gateway.url, { query: "{ __schema { types { name } } }" }, as("admin"));
    expect(introspection.body.errors?.length).toBeGreaterThan(0);
    expect(introspection.body.data ?? null).toBeNull();

    const page = await fetch(gateway.url, { headers: { accept: "text/html" } });
    expect(await page.text()).not.toMatch(/graphiql/i);
  });

  it("refuses a body over 1 MiB with 413 before reading it", async () => {
    const huge = await post(
      gateway.url,
      { query: `{ __typename }`, variables: { pad: "x".repeat(1_100_000) } },
      as("alice"),
    );
    expect(huge.status).toBe(413);
    expect(huge.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("keeps bad input a BAD_USER_INPUT through the gateway", async () => {
    const answer = await graphql(
      gateway.url,
      `mutation { requestData(startTime: ${window[0]}, endTime: ${window[0]}) }`,
      {},
      undefined,
      as("alice"),
    );
    expect(answer.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("answers a failure of its own with INTERNAL and a message that names no table, schema or SQL", async () => {
    const schema = deployment.names.statusSchema;
    const db = new pg.Pool({ connectionString: deployment.serviceEnv.DATABASE_URL, max: 1 });
    try {
      // request-api's own table gone for a moment: every requestData fails inside the service.
      await db.query(`ALTER TABLE "${schema}".accepted_requests RENAME TO accepted_requests_away`);
      const answer = await graphql(
        gateway.url,
        `mutation { requestData(startTime: ${window[0]}, endTime: ${window[0] + 60}) }`,
        {},
        undefined,
        as("alice"),
      );
      expect(answer.errors?.[0]?.extensions?.code).toBe("INTERNAL");
      const said = JSON.stringify(answer.errors);
      for (const secret of ["accepted_requests", schema, "relation", "SELECT", "stack"])
        expect(said).not.toContain(secret);
    } finally {
      await db.query(`ALTER TABLE "${schema}".accepted_requests_away RENAME TO accepted_requests`);
      await db.end();
    }
  });
});
