import type { Figure } from "./figures.js";

/** What every section of `npm run bench` gets. */
export interface BenchContext {
  /** A short variant (small sizes, one run) that proves the bench still works: what CI runs. */
  readonly quick: boolean;
  /** Repetitions per figure (3 unless BENCH_RUNS says otherwise; 1 in quick mode). */
  readonly runs: number;
  /** Progress lines (stderr). */
  readonly log: (message: string) => void;
}

/** A target a figure is held to, and whether this run met it. */
export interface Target {
  readonly key: string;
  readonly description: string;
  readonly met: boolean;
}

export interface SectionReport {
  /** The headline numbers, merged into latest.json's top level (e.g. `export_vs_floor`). */
  readonly keys: Readonly<Record<string, number | boolean | null>>;
  /** Every measured figure with its runs and spread, under the section's name in latest.json. */
  readonly figures: Readonly<Record<string, Figure>>;
  /** Anything else worth keeping (sizes, settings, counts), under the section's name in latest.json. */
  readonly details?: Readonly<Record<string, unknown>>;
  readonly targets: readonly Target[];
  /** Rows of the printed table: [what, value]. */
  readonly table: readonly (readonly [string, string])[];
}

export interface BenchSection {
  readonly name: string;
  readonly description: string;
  run(context: BenchContext): Promise<SectionReport>;
}
