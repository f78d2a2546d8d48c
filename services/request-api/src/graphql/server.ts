import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createSchema, createYoga, type Plugin } from "graphql-yoga";
import { handleHealthRequest, type HealthRoutes } from "@data-exporter/runtime";
import type { StatusPage } from "../web/status-page.js";
import { hardeningPlugins, maxRequestBodySize } from "./hardening.js";
import { tracingPlugin } from "./tracing-plugin.js";
import { DateTimeScalar } from "./date-time-scalar.js";
import { JSONScalar } from "./json-scalar.js";
import { createResolvers, type ResolverDeps } from "./resolvers.js";
import { federationTypeDefs, subgraphSdl, typeDefs } from "./type-defs.js";

export interface GraphQLServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * GraphQL at /graphql plus /healthz, /readyz and the /exports status page on the same port. `authentication` are the plugins that establish
 * who calls (the gateway's signature and forwarded JWT in production; tests bring their own); resolvers read the
 * caller from the context they leave (ResolverDeps.callerOf).
 */
export async function startGraphQLServer(options: {
  port: number;
  host: string;
  deps: ResolverDeps;
  health: HealthRoutes;
  authentication: Plugin[];
  /** The /exports page (static files, no data: what it shows it asks /graphql for, through the gateway). */
  statusPage?: StatusPage;
}): Promise<GraphQLServer> {
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: [typeDefs, federationTypeDefs],
      resolvers: [
        createResolvers(options.deps),
        { JSON: JSONScalar, DateTime: DateTimeScalar, Query: { _service: () => ({ sdl: subgraphSdl }) } },
      ],
    }),
    graphqlEndpoint: "/graphql",
    // Errors are masked by the resolvers' boundary already; yoga masks anything unexpected (code INTERNAL, in
    // hardening.ts).
    maskedErrors: true,
    logging: false,
    // Bounded documents and bodies, a code on every error (hardening.ts).
    // Tracing first, so the operation's span covers authentication too.
    plugins: [tracingPlugin(), ...options.authentication, ...hardeningPlugins()],
    maxRequestBodySize,
  });
  const server: Server = createServer((req, res) => {
    if (handleHealthRequest(req, res, options.health)) return;
    if (options.statusPage?.handle(req, res) === true) return;
    void yoga(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
