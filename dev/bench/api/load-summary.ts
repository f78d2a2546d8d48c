import { percentile, round } from "../figures.js";

/** How one request of a load ended. */
export type Outcome = "ok" | "http_error" | "graphql_error" | "transport_error";

/** One request the load generator sent: when it was due, when it went out, how long it took, how it ended. */
export interface Sample {
  /** Milliseconds from the start of the load at which the schedule wanted it sent. */
  readonly dueMs: number;
  /** How late the generator sent it (its own event loop's lag, not the server's). */
  readonly lagMs: number;
  /** From the request leaving to the whole answer read. */
  readonly latencyMs: number;
  readonly outcome: Outcome;
}

export interface LoadSummary {
  readonly sent: number;
  readonly ok: number;
  readonly httpErrors: number;
  readonly graphqlErrors: number;
  readonly transportErrors: number;
  /** Requests per second actually sent (first to last send): below the target rate, the load was not held. */
  readonly achievedRate: number;
  /** Latency percentiles of the answered-ok requests only (a latency over failed requests means nothing). */
  readonly p50Ms: number | null;
  readonly p90Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
  /** The generator's own lag at p99: when large, the machine (2 cores shared with the services) was the limit. */
  readonly lagP99Ms: number;
}

/**
 * How many requests an open-loop schedule of `rate` per second has due `elapsedMs` after its start (request i is due
 * at i / rate seconds), capped at `total`: the generator sends that many whatever is still waiting for an answer.
 */
export function dueCount(elapsedMs: number, rate: number, total: number): number {
  if (!(rate > 0)) throw new RangeError(`rate must be positive, got ${rate}`);
  if (elapsedMs < 0) return 0;
  return Math.min(total, Math.floor((elapsedMs * rate) / 1000) + 1);
}

/** The figures of one load: counts by outcome, the rate held, and latency percentiles of the successful requests. */
export function summariseLoad(samples: readonly Sample[]): LoadSummary {
  const count = (outcome: Outcome): number => samples.filter((s) => s.outcome === outcome).length;
  const ok = samples.filter((s) => s.outcome === "ok").map((s) => s.latencyMs);
  const at = (p: number): number | null => (ok.length === 0 ? null : round(percentile(ok, p), 2));
  const sentAt = samples.map((s) => s.dueMs + s.lagMs);
  const span = sentAt.reduce((a, b) => Math.max(a, b), 0) - sentAt.reduce((a, b) => Math.min(a, b), Infinity);
  // n requests sent over a span are n - 1 intervals apart.
  const achievedRate = samples.length < 2 || span <= 0 ? 0 : ((samples.length - 1) * 1000) / span;
  return {
    sent: samples.length,
    ok: ok.length,
    httpErrors: count("http_error"),
    graphqlErrors: count("graphql_error"),
    transportErrors: count("transport_error"),
    achievedRate: round(achievedRate, 1),
    p50Ms: at(50),
    p90Ms: at(90),
    p99Ms: at(99),
    maxMs:
      ok.length === 0
        ? null
        : round(
            ok.reduce((a, b) => Math.max(a, b)),
            2,
          ),
    lagP99Ms:
      samples.length === 0
        ? 0
        : round(
            percentile(
              samples.map((s) => s.lagMs),
              99,
            ),
            2,
          ),
  };
}

/**
 * What a GraphQL answer says: ok only for HTTP 2xx with no `errors` and `check(data)` true (e.g. requestData
 * returned an id); an unparsable body of a 2xx is a GraphQL error too.
 */
export function classifyAnswer(status: number, body: string, check: (data: unknown) => boolean): Outcome {
  if (status < 200 || status >= 300) return "http_error";
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: unknown[] };
    if (parsed.errors !== undefined && parsed.errors.length > 0) return "graphql_error";
    return check(parsed.data) ? "ok" : "graphql_error";
  } catch {
    return "graphql_error";
  }
}
