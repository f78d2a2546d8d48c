/**
 * STAND-IN for the platform's Experiment Manager subgraph, so the gateway composes request-api with another team's
 * subgraph as in production: an Experiment references the exports it used (ExportRequest, request-api's entity,
 * by id), and Experiment Manager extends ExportRequest with `experiment`. In memory, in the process that starts it
 * (npm start, tests); it is not part of the product.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createSchema, createYoga } from "graphql-yoga";

const typeDefs = /* GraphQL */ `
  type Query {
    "Experiment Manager STAND-IN (dev/harness/experiment-manager.ts): one experiment."
    experiment(id: ID!): Experiment
  }

  type Mutation {
    createExperiment(name: String!): Experiment!
    "Records that the experiment used an export (request-api's ExportRequest id)."
    attachExport(experimentId: ID!, exportRequestId: ID!): Experiment!
  }

  type Experiment @key(fields: "id") {
    id: ID!
    name: String!
    "The exports it used, resolved by request-api for the caller (null where the caller may not see one)."
    exports: [ExportRequest]!
  }

  type ExportRequest @key(fields: "id") {
    id: ID!
    "The experiment that used this export: Experiment Manager's field on request-api's entity."
    experiment: Experiment
  }
`;

const federation = /* GraphQL */ `
  directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
  scalar _Any
  union _Entity = Experiment | ExportRequest
  type _Service {
    sdl: String
  }
  extend type Query {
    _service: _Service!
    _entities(representations: [_Any!]!): [_Entity]!
  }
`;

/** The stand-in's subgraph SDL, as the gateway composes it (also composed in request-api's schema-contract test). */
export const experimentManagerSdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n${typeDefs}`;

interface Experiment {
  readonly id: string;
  readonly name: string;
  readonly exportIds: string[];
}

export interface ExperimentManager {
  readonly url: string;
  close(): Promise<void>;
}

export async function startExperimentManager(port = 0): Promise<ExperimentManager> {
  const experiments = new Map<string, Experiment>();
  const experimentOf = (exportId: string): Experiment | undefined =>
    [...experiments.values()].find((e) => e.exportIds.includes(exportId));
  const resolvers = {
    Query: {
      experiment: (_: unknown, args: { id: string }) => experiments.get(args.id) ?? null,
      _service: () => ({ sdl: experimentManagerSdl }),
      _entities: (_: unknown, args: { representations: { __typename: string; id: string }[] }) =>
        args.representations.map((r) =>
          r.__typename === "Experiment"
            ? (experiments.get(r.id) ?? null)
            : { __typename: "ExportRequest", id: r.id, experiment: experimentOf(r.id) ?? null },
        ),
    },
    Mutation: {
      createExperiment: (_: unknown, args: { name: string }) => {
        const experiment = { id: `exp-${experiments.size + 1}`, name: args.name, exportIds: [] };
        experiments.set(experiment.id, experiment);
        return experiment;
      },
      attachExport: (_: unknown, args: { experimentId: string; exportRequestId: string }) => {
        const experiment = experiments.get(args.experimentId);
        if (experiment === undefined) throw new Error(`no experiment ${args.experimentId}`);
        experiment.exportIds.push(args.exportRequestId);
        return experiment;
      },
    },
    Experiment: {
      exports: (e: Experiment) => e.exportIds.map((id) => ({ __typename: "ExportRequest", id })),
    },
    _Entity: { __resolveType: (o: { __typename?: string }) => o.__typename ?? "Experiment" },
  };
  const yoga = createYoga({
    schema: createSchema({ typeDefs: [typeDefs, federation], resolvers }),
    graphqlEndpoint: "/graphql",
    logging: false,
  });
  const server: Server = createServer((req, res) => void yoga(req, res));
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
