/**
 * The canary weight of each Rollout over time, collected by the dashboard server from watch
 * events (the API keeps no history). A point is recorded only when the weight changes.
 */
export interface WeightPoint {
  timeMs: number;
  weightPercent: number;
}

export const WEIGHT_HISTORY_LIMIT = 500;

export class WeightHistory {
  private readonly series = new Map<string, WeightPoint[]>();

  constructor(private readonly limit = WEIGHT_HISTORY_LIMIT) {}

  /** Records `weightPercent` for `key` at `timeMs` unless it equals the last recorded value. */
  record(key: string, timeMs: number, weightPercent: number): boolean {
    const points = this.series.get(key) ?? [];
    if (points[points.length - 1]?.weightPercent === weightPercent) return false;
    points.push({ timeMs, weightPercent });
    if (points.length > this.limit) points.splice(0, points.length - this.limit);
    this.series.set(key, points);
    return true;
  }

  get(key: string): readonly WeightPoint[] {
    return this.series.get(key) ?? [];
  }

  /** Forgets Rollouts that are gone. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of [...this.series.keys()]) if (!keys.has(key)) this.series.delete(key);
  }
}
