/** Reads counters and histograms from a Prometheus text exposition (the controller's /metrics). */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const match of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[match[1] ?? ''] = match[2] ?? '';
  return labels;
}

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match) samples.push({ name: match[1] ?? '', labels: parseLabels(match[2] ?? ''), value: Number(match[3]) });
  }
  return samples;
}

export async function scrape(metricsUrl: string): Promise<Sample[]> {
  return parseMetrics(await (await fetch(`${metricsUrl}/metrics`)).text());
}

/** Counter values keyed by the chosen labels joined with a space, e.g. "patch replicasets". */
export function countersBy(samples: Sample[], name: string, keys: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== name) continue;
    const key = keys.map((k) => s.labels[k] ?? '').join(' ');
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

/** after − before for every key (keys only in `after` count from 0); zero deltas dropped. */
export function delta(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of after) {
    const diff = value - (before.get(key) ?? 0);
    if (diff !== 0) out[key] = diff;
  }
  return out;
}

/** Cumulative bucket counts (le → count) of a histogram, summed over label sets matching filter. */
export function histogramBuckets(samples: Sample[], name: string, filter: (labels: Record<string, string>) => boolean): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || !filter(s.labels)) continue;
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + s.value);
  }
  return buckets;
}

function interpolate(bounds: number[], counts: number[], input: { index: number; rank: number }): number {
  const { index, rank } = input;
  const upper = bounds[index] ?? Number.NaN;
  if (upper === Number.POSITIVE_INFINITY) return bounds[index - 1] ?? Number.NaN;
  const lower = index === 0 ? 0 : (bounds[index - 1] ?? 0);
  const below = index === 0 ? 0 : (counts[index - 1] ?? 0);
  const inBucket = (counts[index] ?? 0) - below;
  return inBucket === 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket;
}

/** histogram_quantile as Prometheus computes it (linear inside the bucket) over bucket deltas. */
export function histogramQuantile(q: number, before: Map<number, number>, after: Map<number, number>): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const total = counts[counts.length - 1] ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  const found = counts.findIndex((c) => c >= rank);
  return interpolate(bounds, counts, { index: found < 0 ? counts.length - 1 : found, rank });
}
