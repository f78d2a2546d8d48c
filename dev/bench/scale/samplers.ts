/**
 * Pollers of the connections the deployment holds while the scale run goes on: PostgreSQL's client backends per
 * user@database (pg_stat_activity, the sampler's own connection left out) and the broker's established client
 * connections (ss), each into a PeakTracker; both also per client process (ss -p), so connections of anyone else
 * using the same stack show as "other".
 */
import pg from "pg";
import { PeakTracker, type PeakSummary } from "./peaks.js";
import { brokerConnections, clientConnections } from "./socket-counts.js";

export interface ConnectionPeaks {
  readonly postgres: PeakSummary;
  /** The clients' side of the PostgreSQL connections, per process: tells the deployment from anyone else's. */
  readonly postgresByClient: PeakSummary;
  /** The broker's side: every established connection to the Kafka port. */
  readonly kafka: PeakSummary;
  /** The clients' side of the same connections, per process (service names; the bench itself; "other"). */
  readonly kafkaByClient: PeakSummary;
}

export interface ConnectionSampler {
  stop(): Promise<ConnectionPeaks>;
}

export async function sampleConnections(options: {
  readonly postgresAdminUrl: string;
  readonly kafkaPort: number;
  readonly postgresPort: number;
  /** pid → name of the processes whose broker connections are told apart. */
  readonly clients: ReadonlyMap<string, string>;
  readonly intervalMs: number;
}): Promise<ConnectionSampler> {
  const client = new pg.Client({ connectionString: options.postgresAdminUrl });
  await client.connect();
  const postgres = new PeakTracker();
  const postgresByClient = new PeakTracker();
  const kafka = new PeakTracker();
  const kafkaByClient = new PeakTracker();
  let running = true;
  const loop = (async () => {
    while (running) {
      const [rows, pgClients, broker, clients] = await Promise.all([
        client.query<{ part: string; n: number }>(
          `SELECT coalesce(usename, '?') || '@' || coalesce(datname, '?') AS part, count(*)::int AS n
             FROM pg_stat_activity
            WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
            GROUP BY 1`,
        ),
        clientConnections(options.postgresPort, options.clients),
        brokerConnections(options.kafkaPort),
        clientConnections(options.kafkaPort, options.clients),
      ]);
      postgres.observe(Object.fromEntries(rows.rows.map((r) => [r.part, r.n])));
      // The sampler's own connection is left out here too, as in the query above.
      postgresByClient.observe({ ...pgClients, bench: Math.max(0, (pgClients.bench ?? 0) - 1) });
      kafka.observe({ broker: broker });
      kafkaByClient.observe(clients);
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      try {
        await loop;
      } finally {
        await client.end();
      }
      return {
        postgres: postgres.summary(),
        postgresByClient: postgresByClient.summary(),
        kafka: kafka.summary(),
        kafkaByClient: kafkaByClient.summary(),
      };
    },
  };
}
