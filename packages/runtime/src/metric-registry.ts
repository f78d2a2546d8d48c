import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { CounterDefinition, GaugeDefinition, HistogramDefinition, MetricDefinition } from "./metric-catalog.js";

/** The one registry of this process, served at /metrics in the Prometheus text format. */
export const processRegistry = new Registry();

/** The prom-client metric a definition makes, typed by its label names. */
export type MetricOf<D> =
  D extends HistogramDefinition<infer L>
    ? Histogram<L>
    : D extends CounterDefinition<infer L>
      ? Counter<L>
      : D extends GaugeDefinition<infer L>
        ? Gauge<L>
        : never;

export type MetricsOf<G extends Record<string, MetricDefinition>> = { readonly [K in keyof G]: MetricOf<G[K]> };

export interface CreateMetricsOptions<G extends Record<string, MetricDefinition>> {
  /** Default: the process registry. */
  readonly registry?: Registry;
  /** Called on each scrape before a metric is read, e.g. to set a gauge from state the service already keeps. */
  readonly collect?: { readonly [K in keyof G]?: (metric: MetricOf<G[K]>) => void };
}

/**
 * Registers a group of definitions from the catalog (metric-catalog.ts) and returns their metrics. Each group is
 * created once per registry, by the composition root that owns it; a second call for the same registry throws.
 */
export function createMetrics<G extends Record<string, MetricDefinition>>(
  definitions: G,
  options: CreateMetricsOptions<G> = {},
): MetricsOf<G> {
  const registry = options.registry ?? processRegistry;
  const made = Object.entries(definitions).map(([key, d]) => {
    const read = options.collect?.[key] as ((metric: unknown) => void) | undefined;
    const common = {
      name: d.name,
      help: d.help,
      labelNames: d.labelNames,
      registers: [registry],
      ...(read === undefined
        ? {}
        : {
            collect: function (this: unknown) {
              read(this);
            },
          }),
    };
    if (d.type === "histogram") return [key, new Histogram({ ...common, buckets: [...d.buckets] })];
    return [key, d.type === "counter" ? new Counter(common) : new Gauge(common)];
  });
  return Object.freeze(Object.fromEntries(made)) as MetricsOf<G>;
}

const withDefaults = new WeakSet<Registry>();

/** Node's process metrics (CPU, memory, event-loop lag, GC, handles) under their conventional names; idempotent. */
export function collectProcessMetrics(registry: Registry = processRegistry): void {
  if (withDefaults.has(registry)) return;
  withDefaults.add(registry);
  collectDefaultMetrics({ register: registry });
}
