import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { isStatusPageRequest, useStatusPage } from "../src/status-page.js";

describe("isStatusPageRequest", () => {
  it("takes GET and HEAD of /exports and its files, nothing else", () => {
    expect(isStatusPageRequest("GET", "/exports")).toBe(true);
    expect(isStatusPageRequest("HEAD", "/exports/exports.js")).toBe(true);
    expect(isStatusPageRequest("POST", "/exports")).toBe(false);
    expect(isStatusPageRequest("GET", "/graphql")).toBe(false);
    expect(isStatusPageRequest("GET", "/exportsx")).toBe(false);
  });
});

describe("useStatusPage", () => {
  let upstream: Server;
  let upstreamUrl: string;
  const seen: { url?: string | undefined; headers?: Record<string, unknown> } = {};

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      seen.url = req.url;
      seen.headers = req.headers;
      res.writeHead(200, {
        "content-type": "text/html",
        "set-cookie": "a=b",
        "content-security-policy": "default-src 'none'",
      });
      res.end("<p>page</p>");
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

  const call = async (upstreamBase: string | undefined, request: Request): Promise<Response | undefined> => {
    let ended: Response | undefined;
    const hook = useStatusPage(upstreamBase).onRequest as (payload: unknown) => Promise<void>;
    await hook({
      request,
      url: new URL(request.url),
      fetchAPI: { fetch, Headers, Response },
      endResponse: (r: Response) => (ended = r),
    });
    return ended;
  };

  it("answers /exports with request-api's page, forwarding only the path and keeping its security headers", async () => {
    const answer = await call(
      upstreamUrl,
      new Request("http://gateway/exports?x=1", { headers: { authorization: "Bearer secret", cookie: "c=d" } }),
    );
    expect(answer?.status).toBe(200);
    expect(await answer?.text()).toBe("<p>page</p>");
    expect(answer?.headers.get("content-security-policy")).toBe("default-src 'none'");
    expect(answer?.headers.get("set-cookie")).toBeNull();
    expect(seen.url).toBe("/exports");
    expect(seen.headers?.["authorization"]).toBeUndefined();
    expect(seen.headers?.["cookie"]).toBeUndefined();
  });

  it("leaves GraphQL and every other request to the gateway, and serves nothing without an upstream", async () => {
    expect(await call(upstreamUrl, new Request("http://gateway/graphql"))).toBeUndefined();
    expect(
      await call(upstreamUrl, new Request("http://gateway/exports", { method: "POST", body: "x" })),
    ).toBeUndefined();
    expect(await call(undefined, new Request("http://gateway/exports"))).toBeUndefined();
  });
});
