// Series identity and limits shared by the judge's count readers (Prometheus and web).
import { createHash } from 'node:crypto';

/** More series than this in one count is refused (status holds one reading per series). */
export const MAX_JUDGE_SERIES = 100;

/** A series' identity: a digest of its labels, so that label values are never stored in status. */
export function seriesKey(labels: Record<string, string>): string {
  const canonical = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
