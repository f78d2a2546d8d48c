/**
 * The most of something seen at once while a run goes on (connections per database user, per client process): fed
 * one sample at a time by a poller, it keeps the peak of the total and of each part, so the report says both how many
 * connections the system held at its busiest and who held them.
 */
export interface PeakSummary {
  /** Largest sum of one sample's parts. */
  readonly peakTotal: number;
  /** Largest value of each part over all samples (not necessarily at the same moment as peakTotal). */
  readonly peakByPart: Readonly<Record<string, number>>;
  /** The parts of the sample that had the largest total. */
  readonly atPeak: Readonly<Record<string, number>>;
  readonly samples: number;
}

export class PeakTracker {
  #peakTotal = 0;
  #atPeak: Record<string, number> = {};
  readonly #peakByPart = new Map<string, number>();
  #samples = 0;

  observe(sample: Readonly<Record<string, number>>): void {
    this.#samples++;
    let total = 0;
    for (const [part, value] of Object.entries(sample)) {
      if (!Number.isFinite(value) || value < 0)
        throw new RangeError(`a count must be a non-negative number: ${part}=${value}`);
      total += value;
      this.#peakByPart.set(part, Math.max(this.#peakByPart.get(part) ?? 0, value));
    }
    if (total > this.#peakTotal || this.#samples === 1) {
      this.#peakTotal = total;
      this.#atPeak = { ...sample };
    }
  }

  summary(): PeakSummary {
    return {
      peakTotal: this.#peakTotal,
      peakByPart: Object.fromEntries([...this.#peakByPart].sort(([a], [b]) => a.localeCompare(b))),
      atPeak: this.#atPeak,
      samples: this.#samples,
    };
  }
}
