import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@data-exporter/runtime";
import { authenticate } from "../domain/recipient-auth.js";
import { isSharingError, SharingError } from "../domain/errors.js";
import { parseQueryRequest } from "../domain/query-request.js";
import type { Recipient } from "../domain/sharing-config.js";
import type { SharingService } from "../sharing-service.js";
import type { TableView } from "../domain/table-view.js";
import { pageRequestOf, routeOf, type Route } from "./routes.js";

/** The largest query body read (hints are a few lines of JSON). */
const maxBodyBytes = 1 << 20;

/** What the handler counts (Prometheus in the service; nothing in tests that do not look). */
export interface SharingMeter {
  request(api: string, status: number): void;
  filesServed(recipient: string, share: string, files: number): void;
}

export interface SharingHttpOptions {
  readonly meter?: SharingMeter;
  readonly prefix: string;
  readonly service: SharingService;
  readonly recipients: () => readonly Recipient[];
  readonly now: () => number;
  readonly log: Logger;
}

/**
 * The Delta Sharing REST API under `prefix`: authenticates the bearer token, routes, answers JSON or NDJSON, and
 * maps refusals to the protocol's status codes with `{errorCode, message}`. Returns false for paths it does not serve.
 */
export function sharingHandler(options: SharingHttpOptions) {
  const prefix = options.prefix.replace(/\/+$/, "");
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? "/", "http://sharing");
    if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return false;
    const started = Date.now();
    let recipient: string | undefined;
    let api = "unknown";
    void (async () => {
      try {
        const route = routeOf(req.method ?? "GET", url.pathname.slice(prefix.length));
        api = route?.kind ?? "unknown";
        const who = authenticate(req.headers.authorization, options.recipients(), options.now());
        recipient = who.name;
        if (route === undefined)
          throw new SharingError("RESOURCE_DOES_NOT_EXIST", `no API at ${req.method} ${url.pathname}`);
        await answer(route, who, url.searchParams, req, res, options);
      } catch (error) {
        const refusal = isSharingError(error) ? error : undefined;
        if (refusal === undefined)
          options.log.error({ err: error, path: url.pathname, recipient }, "delta sharing request failed");
        const status = refusal?.status ?? 500;
        if (!res.headersSent)
          sendJson(res, status, {
            errorCode: refusal?.code ?? "INTERNAL_ERROR",
            message: refusal?.message ?? "the server could not answer; the error is logged",
          });
        else res.destroy();
      } finally {
        options.meter?.request(api, res.statusCode);
        options.log.info(
          { method: req.method, path: url.pathname, recipient, status: res.statusCode, ms: Date.now() - started },
          "delta sharing request",
        );
      }
    })();
    return true;
  };
}

async function answer(
  route: Route,
  who: Recipient,
  params: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
  options: SharingHttpOptions,
): Promise<void> {
  const { service } = options;
  switch (route.kind) {
    case "listShares":
      return sendJson(res, 200, service.listShares(who, pageRequestOf(params)));
    case "getShare":
      return sendJson(res, 200, { share: service.getShare(who, route.share) });
    case "listSchemas":
      return sendJson(res, 200, service.listSchemas(who, route.share, pageRequestOf(params)));
    case "listTables":
      return sendJson(res, 200, await service.listTables(who, route.share, route.schema, pageRequestOf(params)));
    case "listAllTables":
      return sendJson(res, 200, await service.listAllTables(who, route.share, pageRequestOf(params)));
    case "version": {
      if (params.get("startingTimestamp") !== null)
        throw new SharingError("UNSUPPORTED_OPERATION", "startingTimestamp is not supported: history is not shared");
      const { share, schema, table } = route.table;
      const version = await service.tableVersion(who, share, schema, table);
      res.writeHead(200, { "delta-table-version": String(version), "content-length": "0" });
      res.end();
      return;
    }
    case "metadata": {
      const { share, schema, table } = route.table;
      const view = await service.tableMetadata(who, share, schema, table);
      return sendNdjson(res, view, [], req);
    }
    case "query": {
      const { share, schema, table } = route.table;
      const request = parseQueryRequest(await readJsonBody(req));
      const { view, actions } = await service.query(who, share, schema, table, request);
      options.meter?.filesServed(who.name, share, actions.length);
      options.log.info(
        { recipient: who.name, share, schema, table, files: actions.length, version: view.version },
        "delta sharing files served",
      );
      return sendNdjson(res, view, actions, req);
    }
    case "changes":
      throw new SharingError("UNSUPPORTED_OPERATION", "change data feed is not shared: exports keep no history");
    case "credentials":
      throw new SharingError("UNSUPPORTED_OPERATION", "directory access is not offered: read the files by their links");
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * protocol, metaData and file actions, one JSON object per line (the parquet response format). A client that asks
 * for capabilities is told the format, so it does not expect delta-format actions.
 */
function sendNdjson(res: ServerResponse, view: TableView, actions: readonly unknown[], req: IncomingMessage): void {
  const lines = [{ protocol: { minReaderVersion: 1 } }, { metaData: view.metadata }, ...actions].map((line) =>
    JSON.stringify(line),
  );
  const text = `${lines.join("\n")}\n`;
  res.writeHead(200, {
    "content-type": "application/x-ndjson; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "delta-table-version": String(view.version),
    ...(req.headers["delta-sharing-capabilities"] === undefined
      ? {}
      : { "delta-sharing-capabilities": "responseformat=parquet" }),
  });
  res.end(text);
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end, keeping nothing past the limit: leaving the loop early destroys the request, and a client still
  // sending gets its connection reset instead of the 400 (only authenticated recipients get this far).
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= maxBodyBytes) chunks.push(chunk as Buffer);
  }
  if (size > maxBodyBytes) throw new SharingError("MALFORMED_REQUEST", `the body is over ${maxBodyBytes} bytes`);
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SharingError("MALFORMED_REQUEST", "the body is not JSON");
  }
}
