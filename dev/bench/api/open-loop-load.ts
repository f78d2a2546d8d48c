import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import { classifyAnswer, dueCount, summariseLoad, type LoadSummary, type Sample } from "./load-summary.js";

/** One HTTP POST of the load: its headers and JSON body. */
export interface LoadRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface OpenLoopOptions {
  readonly url: string;
  /** Requests per second. */
  readonly rate: number;
  /** What to send, in order (rate × duration of them), built beforehand so building costs the load nothing. */
  readonly requests: readonly LoadRequest[];
  /** Whether an answer's `data` is a success (e.g. requestData returned an id). */
  readonly check: (data: unknown) => boolean;
  /** Receives every successful answer's body (e.g. to count distinct ids). */
  readonly onAnswer?: (body: string) => void;
  readonly timeoutMs?: number;
}

export interface OpenLoopResult extends LoadSummary {
  /** The first few failures' status and body, to say why. */
  readonly failures: readonly string[];
}

/**
 * Sends `requests` at `rate` per second on a fixed schedule, whatever is still unanswered (open loop: a
 * slow answer does not delay the next request, so no coordinated omission), over keep-alive connections, and
 * measures each from its send to its whole answer. autocannon's `overallRate` is not used: it lets each connection
 * send its whole per-second quota back to back at each second's tick (lib/httpClient.js), a burst every second.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const total = options.requests.length;
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const target = new URL(options.url);
  const samples: Sample[] = [];
  const failures: string[] = [];
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  let sent = 0;

  const send = (index: number): Promise<void> => {
    const { headers, body } = options.requests[index]!;
    const dueMs = (index * 1000) / options.rate;
    const sentAt = performance.now();
    const lagMs = Math.max(0, sentAt - start - dueMs);
    return new Promise<void>((resolve) => {
      const record = (outcome: Sample["outcome"], detail?: string): void => {
        samples.push({ dueMs, lagMs, latencyMs: performance.now() - sentAt, outcome });
        if (outcome !== "ok" && failures.length < 5) failures.push(detail ?? outcome);
        resolve();
      };
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers },
          timeout: options.timeoutMs ?? 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", (error) => record("transport_error", error.message));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const outcome = classifyAnswer(res.statusCode ?? 0, text, options.check);
            if (outcome === "ok") options.onAnswer?.(text);
            record(outcome, `HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error("timed out")));
      req.on("error", (error) => record("transport_error", error.message));
      req.end(body);
    });
  };

  while (sent < total) {
    const due = dueCount(performance.now() - start, options.rate, total);
    for (; sent < due; sent++) {
      const p = send(sent);
      pending.add(p);
      void p.then(() => pending.delete(p));
    }
    if (sent < total) {
      const nextDueMs = (sent * 1000) / options.rate;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextDueMs - (performance.now() - start))));
    }
  }
  await Promise.all(pending);
  agent.destroy();
  return { ...summariseLoad(samples), failures };
}
