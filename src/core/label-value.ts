/**
 * A name as a label value: label values are at most 63 characters, object names (a Rollout's
 * among them) up to 253. A longer name becomes its first 52 characters, a dash and a 10-letter hash
 * of the whole name, so two long names that share a prefix still get different values. Pure.
 */
import { HASH_LENGTH, computeShortHash } from './short-hash.js';

export const MAX_LABEL_VALUE_LENGTH = 63;

export function buildNameLabelValue(name: string): string {
  if (name.length <= MAX_LABEL_VALUE_LENGTH) return name;
  // A label value must start and end with an alphanumeric character: the hash ends it.
  const prefix = name.slice(0, MAX_LABEL_VALUE_LENGTH - HASH_LENGTH - 1).replace(/[^a-z0-9]+$/i, '');
  return `${prefix}-${computeShortHash(name)}`;
}
