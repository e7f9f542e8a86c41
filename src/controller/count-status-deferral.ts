/**
 * Holds back Rollout status writes that only mirror replica counts while a step is in flight, for
 * at most `maxLagMs` per Rollout. The step's next decision write carries the counts along, so a
 * setWeight step costs one status write instead of three; a count change that is not followed by a
 * decision is still written once it has waited `maxLagMs`.
 */
export const COUNT_STATUS_MAX_LAG_MS = 2000;

export class CountStatusDeferral {
  private readonly heldSince = new Map<string, number>();

  constructor(private readonly maxLagMs: number = COUNT_STATUS_MAX_LAG_MS) {}

  /**
   * For a counts-only change seen at `now`: how long to keep holding it (a requeue delay), or
   * undefined when it has waited long enough and must be written now.
   */
  holdFor(key: string, now: number): number | undefined {
    const since = this.heldSince.get(key) ?? now;
    const remaining = since + this.maxLagMs - now;
    if (remaining <= 0) {
      this.heldSince.delete(key);
      return undefined;
    }
    this.heldSince.set(key, since);
    return remaining;
  }

  /** Called when the status was written, needed no write, or the Rollout is gone. */
  release(key: string): void {
    this.heldSince.delete(key);
  }
}
