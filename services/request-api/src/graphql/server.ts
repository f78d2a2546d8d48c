import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createSchema, createYoga } from "graphql-yoga";
import { handleHealthRequest, type HealthRoutes } from "@data-exporter/runtime";
import { hardeningPlugins, maxRequestBodySize } from "./hardening.js";
import { JSONScalar } from "./json-scalar.js";
import { createResolvers, type ResolverDeps } from "./resolvers.js";
import { federationTypeDefs, subgraphSdl, typeDefs } from "./type-defs.js";

export interface GraphQLServer {
  readonly url: string;
  close(): Promise<void>;
}

/** GraphQL at /graphql plus /healthz and /readyz on the same port. */
export async function startGraphQLServer(options: {
  port: number;
  host: string;
  deps: ResolverDeps;
  health: HealthRoutes;
}): Promise<GraphQLServer> {
  const yoga = createYoga<{ requestedBy?: string | null }>({
    schema: createSchema({
      typeDefs: [typeDefs, federationTypeDefs],
      resolvers: [
        createResolvers(options.deps),
        { JSON: JSONScalar, Query: { _service: () => ({ sdl: subgraphSdl }) } },
      ],
    }),
    graphqlEndpoint: "/graphql",
    // Errors are masked by the resolvers' boundary already; yoga masks anything unexpected.
    maskedErrors: true,
    logging: false,
    // Bounded documents and bodies, a code on every error (hardening.ts).
    plugins: hardeningPlugins(),
    maxRequestBodySize,
    context: ({ request }) => ({ requestedBy: request.headers.get("x-requested-by") }),
  });
  const server: Server = createServer((req, res) => {
    if (handleHealthRequest(req, res, options.health)) return;
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
