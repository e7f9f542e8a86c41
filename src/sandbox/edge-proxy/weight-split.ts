/**
 * How Emissary splits one Mapping group's traffic (IRBaseMappingGroup.normalize_weights_in_mappings):
 * - a lone Mapping gets everything, whatever its weight;
 * - weighted Mappings take their weight, in order, accumulating;
 * - a weight over 100, or weights summing over 100, reject the whole group;
 * - weightless Mappings share the remainder equally (Python rounding), the last one closing at 100.
 * When weights sum under 100 and no Mapping is weightless, the rest matches no route of the group.
 */

export type WeightSplit =
  | { ok: true; percents: number[] }
  | { ok: false; error: string };

export interface WeightedItem {
  name: string;
  weight?: number | undefined;
}

/** Python 3 round(): halves go to the even neighbour. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function checkWeights(items: WeightedItem[]): string | undefined {
  let total = 0;
  for (const item of items) {
    if (item.weight === undefined) continue;
    if (item.weight > 100 || item.weight < 0) return `Mapping ${item.name} has invalid weight ${item.weight}`;
    total += roundHalfEven(item.weight);
  }
  return total > 100 ? `Total weight of mappings exceeds 100 (${total}): group rejected` : undefined;
}

/** The share (percent of requests) of each item, in input order; the shares sum to at most 100. */
export function computeWeightSplit(items: WeightedItem[]): WeightSplit {
  if (items.length === 1) return { ok: true, percents: [100] };
  const error = checkWeights(items);
  if (error) return { ok: false, error };
  const percents = items.map((item) => (item.weight === undefined ? 0 : roundHalfEven(item.weight)));
  const weightless = items.flatMap((item, index) => (item.weight === undefined ? [index] : []));
  if (weightless.length === 0) return { ok: true, percents };
  const used = percents.reduce((sum, p) => sum + p, 0);
  const each = roundHalfEven((100 - used) / weightless.length);
  let cumulative = used;
  weightless.forEach((index, position) => {
    const next = position === weightless.length - 1 ? 100 : Math.min(100, cumulative + each);
    percents[index] = next - cumulative;
    cumulative = next;
  });
  return { ok: true, percents };
}

/**
 * The index of the item a draw in [0, 100) lands on (cumulative ranges in input order), or
 * undefined when it lands past the group's total.
 */
export function pickByPercent(percents: number[], draw: number): number | undefined {
  let cumulative = 0;
  for (const [index, percent] of percents.entries()) {
    cumulative += percent;
    if (percent > 0 && draw < cumulative) return index;
  }
  return undefined;
}
