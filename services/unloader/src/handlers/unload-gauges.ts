/** What one unloader replica is doing now; read at each scrape of /metrics (adapters/unload-metrics.ts). */
export class UnloadGauges {
  inFlight = 0;
  waitingForSlot = 0;
  slotsHeld = 0;
  completed = 0;
  failed = 0;

  constructor(readonly slotLimit: number) {}
}

/** How one unload command ended, for the duration histogram and the rows and bytes exported. */
export interface UnloadFinished {
  readonly outcome: "completed" | "failed" | "cancelled" | "superseded";
  readonly seconds: number;
  /** Rows and bytes the table's files carry; 0 unless completed. */
  readonly rows: number;
  readonly bytes: number;
}
