import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { handleHealthRequest, type HealthRoutes } from "@data-exporter/runtime";
import { ApiError } from "./errors.js";
import { asInput } from "./input.js";
import type { Operation } from "./operations.js";

const CONTENT_TYPE = "application/x-amz-json-1.1";
/** The service's target prefix in `X-Amz-Target: RedshiftData.<Operation>`. */
const TARGET_PREFIX = "RedshiftData.";
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface ServerOptions {
  readonly operations: Readonly<Record<string, Operation>>;
  /** `GET /healthz`, `/readyz`, `/metrics`, as every service of the repository serves them. */
  readonly health: HealthRoutes;
  readonly log: (fields: Record<string, unknown>, message: string) => void;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError("SerializationException", `request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": CONTENT_TYPE,
    "content-length": String(Buffer.byteLength(text)),
    "x-amzn-requestid": randomUUID(),
    ...headers,
  });
  res.end(text);
}

/** The AWS JSON 1.1 error shape: `__type` (also in `x-amzn-ErrorType`), `Message`, modelled extra members. */
function sendError(res: ServerResponse, error: ApiError): void {
  send(
    res,
    error.httpStatus,
    { __type: error.code, Message: error.message, ...error.fields },
    {
      "x-amzn-errortype": error.code,
    },
  );
}

/**
 * The Data API's HTTP face: AWS JSON 1.1, every call a `POST /` naming its operation in `X-Amz-Target`. Signatures
 * and credentials are not checked. Besides, `GET /healthz` (alive), `/readyz` (PostgreSQL answered lately) and
 * `/metrics`.
 */
export function createDataApiServer(options: ServerOptions): Server {
  return createServer((req, res) => {
    void handle(req, res, options);
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, options: ServerOptions): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  if (req.method === "GET" && handleHealthRequest(req, res, options.health)) return;
  const target = req.headers["x-amz-target"];
  const operationName =
    typeof target === "string" && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
  try {
    if (req.method !== "POST" || path !== "/") {
      throw new ApiError("UnknownOperationException", `${req.method ?? "?"} ${path ?? "?"}: the Data API takes POST /`);
    }
    const operation = operationName === undefined ? undefined : options.operations[operationName];
    if (operation === undefined) {
      throw new ApiError("UnknownOperationException", `unknown operation ${String(target)}`);
    }
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw.trim() === "" ? {} : JSON.parse(raw);
    } catch {
      throw new ApiError("SerializationException", "the request body is not JSON");
    }
    const output = await operation(asInput(body));
    send(res, 200, output);
  } catch (error) {
    if (error instanceof ApiError) {
      sendError(res, error);
      return;
    }
    options.log({ operation: operationName, err: error }, "operation failed");
    sendError(res, new ApiError("InternalServerException", error instanceof Error ? error.message : String(error)));
  }
}
