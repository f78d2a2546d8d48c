import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { loadStatusPage } from "../../src/web/status-page.js";

let server: Server;
let base: string;

beforeAll(async () => {
  const page = await loadStatusPage();
  server = createServer((req, res) => {
    if (page.handle(req, res)) return;
    res.writeHead(404).end("not the page");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the /exports status page", () => {
  it("serves the page and its modules as they are, only its own scripts allowed to run", async () => {
    const html = await fetch(`${base}/exports`);
    expect(html.status).toBe(200);
    expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(html.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(html.headers.get("content-security-policy")).toContain("connect-src 'self'");
    expect(await html.text()).toContain('<script type="module" src="/exports/exports.js">');
    for (const file of ["exports.js", "exports-view.js"]) {
      const script = await fetch(`${base}/exports/${file}`);
      expect(script.status).toBe(200);
      expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    }
    expect((await fetch(`${base}/exports/`)).status).toBe(200);
  });

  it("leaves every other path and method to the GraphQL server", async () => {
    for (const path of [
      "/exports/../src/main.ts",
      "/exports/tsconfig.json",
      "/exports/test/exports-view.test.ts",
      "/graphql",
    ])
      expect((await fetch(`${base}${path}`)).status).toBe(404);
    expect((await fetch(`${base}/exports`, { method: "POST", body: "{}" })).status).toBe(404);
  });
});
