/**
 * Pollers of the connections the deployment holds while the scale run goes on: PostgreSQL's client backends per
 * user@database (pg_stat_activity, the sampler's own connection left out) and the broker's established client
 * connections (ss), each into a PeakTracker.
 */
import pg from "pg";
import { PeakTracker, type PeakSummary } from "./peaks.js";
import { brokerConnections, clientConnections } from "./socket-counts.js";

export interface ConnectionPeaks {
  readonly postgres: PeakSummary;
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
  /** pid → name of the processes whose broker connections are told apart. */
  readonly clients: ReadonlyMap<string, string>;
  readonly intervalMs: number;
}): Promise<ConnectionSampler> {
  const client = new pg.Client({ connectionString: options.postgresAdminUrl });
  await client.connect();
  const postgres = new PeakTracker();
  const kafka = new PeakTracker();
  const kafkaByClient = new PeakTracker();
  let running = true;
  const loop = (async () => {
    while (running) {
      const [rows, broker, clients] = await Promise.all([
        client.query<{ part: string; n: number }>(
          `SELECT coalesce(usename, '?') || '@' || coalesce(datname, '?') AS part, count(*)::int AS n
             FROM pg_stat_activity
            WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
            GROUP BY 1`,
        ),
        brokerConnections(options.kafkaPort),
        clientConnections(options.kafkaPort, options.clients),
      ]);
      postgres.observe(Object.fromEntries(rows.rows.map((r) => [r.part, r.n])));
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
      return { postgres: postgres.summary(), kafka: kafka.summary(), kafkaByClient: kafkaByClient.summary() };
    },
  };
}
