/** What one unloader replica is doing, for /metrics (names as operators and the concurrency test read them). */
export class UnloadGauges {
  inFlight = 0;
  waitingForSlot = 0;
  slotsHeld = 0;
  completed = 0;
  failed = 0;

  constructor(private readonly slotLimit: number) {}

  metrics(): Record<string, number> {
    return {
      unloads_in_flight: this.inFlight,
      unloads_waiting_for_slot: this.waitingForSlot,
      unload_slots_held: this.slotsHeld,
      unload_slot_limit: this.slotLimit,
      unloads_completed: this.completed,
      unloads_failed: this.failed,
    };
  }
}
