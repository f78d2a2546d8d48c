/** A look at a consumer group's progress: when, and how many events it had committed over its topics. */
export interface DrainSample {
  readonly at: number;
  readonly committed: number;
}

export interface DrainRate {
  /** Events handled per second from the first commit seen to the last (start-up excluded). */
  readonly eventsPerSecond: number;
  /** Seconds from the first commit seen to everything committed. */
  readonly drainSeconds: number;
  /** Events already committed at the first sample that showed any (not counted in the rate). */
  readonly committedAtFirstSample: number;
}

/**
 * The throughput a drain shows: events committed after the first sample that saw a commit, over the time from that
 * sample to the first one that saw everything committed. Measuring from the first commit leaves the process's
 * start-up and its group join out; the samples' interval bounds the error at each end.
 */
export function drainRate(samples: readonly DrainSample[], total: number): DrainRate {
  const first = samples.find((s) => s.committed > 0);
  const done = samples.find((s) => s.committed >= total);
  if (!first || !done)
    throw new Error(`the drain did not finish: ${samples.at(-1)?.committed ?? 0} of ${total} events`);
  if (done === first) throw new Error("the drain finished between two samples: too few events to measure a rate");
  const seconds = (done.at - first.at) / 1000;
  return {
    eventsPerSecond: (total - first.committed) / seconds,
    drainSeconds: seconds,
    committedAtFirstSample: first.committed,
  };
}

/** Offsets committed over partitions, counting each partition at most up to its end (-1, none yet, counts 0). */
export function committedEvents(ends: ReadonlyMap<string, number>, committed: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const [partition, end] of ends) sum += Math.min(end, Math.max(0, committed.get(partition) ?? 0));
  return sum;
}
