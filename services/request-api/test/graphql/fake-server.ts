import type { ExportRequested } from "@data-exporter/contracts";
import type { ResolverDeps } from "../../src/graphql/resolvers.js";
import { startGraphQLServer, type GraphQLServer } from "../../src/graphql/server.js";

/** "Now" of the fake server: 2024-04-08 12:00 UTC, two days after the first demo day. */
export const NOW_MS = Date.UTC(2024, 3, 8, 12);
/** 2024-04-06 00:00 in Melbourne (epoch seconds): the first demo day, a valid window start. */
export const DAY = 1_712_322_000;
/** The request ids the fake hands out (counting up), distinct from any id a caller could guess by accident. */
export const fakeIdPattern = /^00000000-0000-4000-8000-\d{12}$/;

/** request-api's real GraphQL server in-process, with fakes that record what it published and what went wrong. */
export interface FakeServer {
  readonly server: GraphQLServer;
  readonly published: ExportRequested[];
  /** Internal errors: the boundary's log.error calls and internal_errors_total increments. */
  readonly internal: { errorLogs: number; internalErrors: number };
  close(): Promise<void>;
}

export async function startFakeServer(): Promise<FakeServer> {
  const published: ExportRequested[] = [];
  const internal = { errorLogs: 0, internalErrors: 0 };
  let ids = 0;
  const deps: ResolverDeps = {
    publishExportRequested: (event) => {
      published.push(event);
      return Promise.resolve();
    },
    recordAccepted: () => Promise.resolve(),
    publishCallerEvent: () => Promise.resolve(),
    newRequestId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, "0")}`,
    now: () => NOW_MS,
    maxWindowSeconds: 86_400,
    loadRequest: () => Promise.resolve(undefined),
    listRequests: () => Promise.resolve([]),
    ownerOf: () => Promise.resolve(null),
    // The fake trusts every request as one caller; the gateway's signature has its own tests (gateway-only.test.ts).
    callerOf: () => ({ id: "tester", admin: true }),
    presign: (bucket, key, _versionId, signedAt) =>
      Promise.resolve({ url: `http://s3/${bucket}/${key}`, expiresAt: signedAt + 86_400_000 }),
    latestGrant: () => Promise.resolve(null),
    grantLinks: (_id, _by) => Promise.resolve(NOW_MS),
    // Every request exports: reuse has its own tests (reuse-export.test.ts, the end-to-end suite).
    findReusable: () => Promise.resolve(undefined),
    exclusively: (_key, run) => run(),
    quotaRefusal: () => Promise.resolve(undefined),
    log: { info: () => undefined, warn: () => undefined, error: () => void internal.errorLogs++ },
    metrics: {
      exportRequest: () => undefined,
      operation: (_operation, result) => {
        if (result === "internal_error") internal.internalErrors++;
      },
    },
  };
  const server = await startGraphQLServer({
    port: 0,
    host: "127.0.0.1",
    deps,
    health: { readiness: {} },
    authentication: [],
  });
  return { server, published, internal, close: () => server.close() };
}
