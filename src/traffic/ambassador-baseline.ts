/**
 * The baseline Mapping (canary.baseline, pure): `<base>-baseline`, built like the canary Mapping (a
 * copy of the base that stays in its Emissary group, Kanary's label, an ownerReference to the
 * Rollout) but pointing at the baseline Service, with the baseline's weight, the label
 * kanary.dev/role: baseline and, when the base names its statistics, its own `stats_name`
 * (`<base stats>-baseline`), so the judge can count the baseline arm apart from stable.
 */
import { BASELINE_ROLE, ROLE_LABEL } from '../api/labels.js';
import { parseServiceRef } from '../api/mapping.js';
import { buildCanaryMapping, mappingNameWithSuffix, mappingWeight, setStatsNames, type CanaryMappingInput, type MappingObject } from './ambassador-mapping.js';

export const BASELINE_MAPPING_SUFFIX = '-baseline';

/** `<base>-baseline`, the base name truncated so the whole fits 253 characters. */
export function baselineMappingName(baseName: string): string {
  return mappingNameWithSuffix(baseName, BASELINE_MAPPING_SUFFIX);
}

export interface BaselineMappingInput extends Omit<CanaryMappingInput, 'canaryService'> {
  baselineService: string;
}

/** The baseline Mapping for a base Mapping (the base is not modified). */
export function buildBaselineMapping(base: MappingObject, input: BaselineMappingInput): MappingObject {
  const { baselineService, ...rest } = input;
  const mapping = buildCanaryMapping(base, { ...rest, canaryService: baselineService });
  const spec = mapping.spec ?? {};
  setStatsNames(spec, base, BASELINE_MAPPING_SUFFIX);
  const metadata = mapping.metadata ?? {};
  return { ...mapping, metadata: { ...metadata, name: baselineMappingName(base.metadata?.name ?? ''), labels: { ...metadata.labels, [ROLE_LABEL]: BASELINE_ROLE } }, spec };
}

/** The Service name a live baseline Mapping points at (to lower its weight once canary.baseline is gone from the spec). */
export function mappingServiceName(mapping: MappingObject | undefined): string | undefined {
  const service = mapping?.spec?.['service'];
  return typeof service === 'string' ? parseServiceRef(service)?.name : undefined;
}

/** The baseline weight the router sends: the lowest of the owned baseline Mappings (a missing one counts 0); undefined when there are none. */
export function summarizeBaselineMappings(owned: readonly (MappingObject | undefined)[]): number | undefined {
  if (!owned.some((m) => m !== undefined)) return undefined;
  return Math.min(...owned.map((m) => (m ? (mappingWeight(m) ?? 0) : 0)));
}
