/** Counters and gauges of one process, read at /metrics as flat JSON (one service per process). */
export class Metrics {
  private readonly values = new Map<string, number>();

  add(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
  }

  /** A gauge read from elsewhere (e.g. consumer lag), replaced on each measurement. */
  set(name: string, value: number): void {
    this.values.set(name, value);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.values].sort(([a], [b]) => a.localeCompare(b)));
  }
}

export const serviceMetrics = new Metrics();

/** Liveness checks registered by what a service starts (its consumers); /healthz fails when one does. */
export const livenessChecks = new Map<string, () => boolean>();
