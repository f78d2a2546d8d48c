import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";

/** The status page's files (services/request-api/web), served as they are: no build step. */
const assets = {
  "/exports": { file: "exports.html", type: "text/html; charset=utf-8" },
  "/exports/exports.js": { file: "exports.js", type: "text/javascript; charset=utf-8" },
  "/exports/exports-view.js": { file: "exports-view.js", type: "text/javascript; charset=utf-8" },
  "/exports/exports.css": { file: "exports.css", type: "text/css; charset=utf-8" },
  // Without it the browser asks for /favicon.ico, which nothing here serves.
  "/exports/favicon.svg": { file: "favicon.svg", type: "image/svg+xml" },
} as const;

/**
 * The page holds a bearer token in sessionStorage, so it runs only its own scripts and talks only to its own origin
 * (the gateway's /graphql); download links are navigations, which connect-src does not govern.
 */
const securityHeaders = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
    "form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
} as const;

export interface StatusPage {
  /** Answers GET/HEAD of /exports and its files; false for any other request (GraphQL's, health). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

/** Reads the page's files once, at start-up: a missing file stops the service then, not a reader later. */
export async function loadStatusPage(dir: URL = new URL("../../web/", import.meta.url)): Promise<StatusPage> {
  const bodies = new Map<string, { body: Buffer; type: string }>();
  for (const [path, { file, type }] of Object.entries(assets))
    bodies.set(path, { body: await readFile(new URL(file, dir)), type });
  return {
    handle(req, res) {
      const path = new URL(req.url ?? "/", "http://page").pathname.replace(/\/$/, "");
      const asset = bodies.get(path);
      if (asset === undefined || (req.method !== "GET" && req.method !== "HEAD")) return false;
      res.writeHead(200, {
        ...securityHeaders,
        "content-type": asset.type,
        "content-length": String(asset.body.byteLength),
      });
      res.end(req.method === "HEAD" ? undefined : asset.body);
      return true;
    },
  };
}
