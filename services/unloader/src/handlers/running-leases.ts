import type { AttemptLease } from "./attempt-lease.js";

/** The leases of the commands this replica is running, by request: a cancellation renews them at once. */
export class RunningLeases {
  readonly #byRequest = new Map<string, Set<AttemptLease>>();

  add(requestId: string, lease: AttemptLease): void {
    const leases = this.#byRequest.get(requestId) ?? new Set();
    leases.add(lease);
    this.#byRequest.set(requestId, leases);
  }

  remove(requestId: string, lease: AttemptLease): void {
    const leases = this.#byRequest.get(requestId);
    leases?.delete(lease);
    if (leases?.size === 0) this.#byRequest.delete(requestId);
  }

  /** Renews the request's leases now; a renewal that finds the export cancelled stops its attempt. */
  async renewNow(requestId: string): Promise<number> {
    const leases = [...(this.#byRequest.get(requestId) ?? [])];
    await Promise.all(leases.map((lease) => lease.renewNow()));
    return leases.length;
  }
}
