/** A measured quantity over repeated runs: what the bench reports for every figure (median and spread, not one run). */
export interface Figure {
  readonly unit: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max - min) / median, in percent: how far one run may be from another on this machine. */
  readonly spreadPct: number;
  readonly runs: readonly number[];
}

/** Median of an odd or even number of values (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile (0 < p ≤ 100) by the nearest-rank method: a value that was actually observed. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError("percentile of no values");
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function figure(runs: readonly number[], unit: string, digits = 2): Figure {
  const mid = median(runs);
  const min = Math.min(...runs);
  const max = Math.max(...runs);
  return {
    unit,
    median: round(mid, digits),
    min: round(min, digits),
    max: round(max, digits),
    spreadPct: mid === 0 ? 0 : round(((max - min) / Math.abs(mid)) * 100, 1),
    runs: runs.map((r) => round(r, digits)),
  };
}

/** `a / b` of two figures' medians, rounded: the ratios the targets are stated in. */
export function ratio(numerator: Figure, denominator: Figure): number {
  return round(numerator.median / denominator.median, 2);
}

/** "1.97 s (±3.1 %, 3 runs)" */
export function describe(f: Figure): string {
  return `${f.median} ${f.unit} (spread ${f.spreadPct} %, ${f.runs.length} run${f.runs.length === 1 ? "" : "s"})`;
}
