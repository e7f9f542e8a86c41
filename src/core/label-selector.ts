/** Renders a LabelSelector as kubectl does (status.selector, used by the scale subresource). */
import type { LabelSelector } from '../api/rollout.js';

function formatExpression(e: NonNullable<LabelSelector['matchExpressions']>[number]): string {
  const values = [...(e.values ?? [])].sort().join(',');
  switch (e.operator) {
    case 'In':
      return `${e.key} in (${values})`;
    case 'NotIn':
      return `${e.key} notin (${values})`;
    case 'Exists':
      return e.key;
    default:
      return `!${e.key}`;
  }
}

export function formatLabelSelector(selector: LabelSelector): string {
  const labels = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  const expressions = (selector.matchExpressions ?? []).map(formatExpression);
  return [...labels, ...expressions].sort().join(',');
}
