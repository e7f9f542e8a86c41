/**
 * Cross-document checks of `kanary lint`: a Rollout's Services, Mappings and AnalysisTemplates
 * against the other documents given in the same invocation. Pure. They run on every Rollout,
 * including one with problems of its own, over the references it writes well-formed (see
 * lint-inventory.ts).
 */
import { parseServiceRef } from '../api/mapping.js';
import type { Finding } from './lint-documents.js';
import { findingAt } from './lint-documents.js';
import type { AnalysisUse, Inventory, RolloutRefs } from './lint-inventory.js';

const CANARY = 'spec.strategy.canary';

const BLUE_GREEN = 'spec.strategy.blueGreen';
const SERVICE_FIELDS = [
  { strategy: CANARY, field: 'stableService' },
  { strategy: CANARY, field: 'canaryService' },
  { strategy: BLUE_GREEN, field: 'activeService' },
  { strategy: BLUE_GREEN, field: 'previewService' },
] as const;

function serviceFindings(rollout: RolloutRefs, inventory: Inventory): Finding[] {
  const { doc } = rollout;
  const wanted = SERVICE_FIELDS.flatMap(({ strategy, field }) => {
    const name = rollout[field];
    return name ? [{ strategy, path: `${strategy}.${field}`, name }] : [];
  });
  const first = wanted[0];
  if (first === undefined) return [];
  if (inventory.services.length === 0) {
    const names = [...new Set(wanted.map((w) => w.name))].join(', ');
    return [findingAt(doc, { path: first.strategy, message: `Services ${names} were not checked: no Service is among the given files.` }, 'warning')];
  }
  return wanted.flatMap(({ path, name }) => {
    const found = inventory.services.find((s) => s.service.name === name);
    if (!found) return [findingAt(doc, { path, message: `Service "${name}" is not among the given files.` })];
    return selectorFindings(found, rollout);
  });
}

/** Skipped when the Service's selector or the Rollout's pod labels are malformed. */
function selectorFindings(entry: Inventory['services'][number], rollout: RolloutRefs): Finding[] {
  const labels = rollout.podLabels;
  const selector = entry.service.selector;
  if (labels === undefined || selector === undefined) return [];
  const missing = Object.entries(selector).filter(([k, v]) => labels[k] !== v);
  if (missing.length === 0) return [];
  const wanted = missing.map(([k, v]) => `${k}=${v}`).join(', ');
  return [findingAt(entry.doc, { path: 'spec.selector', message: `selects ${wanted}, which the pods of ${rollout.title} do not carry.` })];
}

function mappingFindings(rollout: RolloutRefs, inventory: Inventory): Finding[] {
  const { doc, ambassador } = rollout;
  if (!ambassador || ambassador.mappings.length === 0) return [];
  if (inventory.mappings.length === 0) {
    const names = ambassador.mappings.map((m) => m.name).join(', ');
    return [findingAt(doc, { path: `${CANARY}.trafficRouting.ambassador.mappings`, message: `Mappings ${names} were not checked: no Mapping is among the given files.` }, 'warning')];
  }
  return ambassador.mappings.flatMap(({ name, index }) => {
    const found = inventory.mappings.find((m) => m.mapping.name === name);
    if (!found) {
      return [findingAt(doc, { path: `${CANARY}.trafficRouting.ambassador.mappings[${index}]`, message: `Mapping "${name}" is not among the given files.` })];
    }
    return baseMappingFindings(found, rollout, ambassador.apiVersion);
  });
}

function baseMappingFindings(entry: Inventory['mappings'][number], rollout: RolloutRefs, apiVersion: string | undefined): Finding[] {
  const { doc, mapping } = entry;
  const findings: Finding[] = [];
  if (mapping.weight !== undefined && mapping.weight !== 0) {
    findings.push(findingAt(doc, {
      path: 'spec.weight',
      message: `a base Mapping used by ${rollout.title} must not set a weight: Kanary sets the weight on "${mapping.name}-canary".`,
    }));
  }
  const stable = rollout.stableService;
  if (stable && mapping.service !== undefined && parseServiceRef(mapping.service)?.name !== stable) {
    findings.push(findingAt(doc, { path: 'spec.service', message: `points at "${mapping.service}", not at the stable Service "${stable}" of ${rollout.title}.` }, 'warning'));
  }
  if (apiVersion && apiVersion !== mapping.apiVersion) {
    findings.push(findingAt(doc, { path: 'apiVersion', message: `is ${mapping.apiVersion} but ${rollout.title} routes through ${apiVersion}.` }, 'warning'));
  }
  return findings;
}

function templateUseFindings(rollout: RolloutRefs, use: AnalysisUse, inventory: Inventory): Finding[] {
  return use.templates.flatMap((ref) => {
    const kind = ref.cluster ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
    const found = inventory.templates.find((t) => t.name === ref.templateName && t.cluster === ref.cluster);
    if (!found) return [findingAt(rollout.doc, { path: `${use.path}.templates[${ref.index}]`, message: `${kind} "${ref.templateName}" is not among the given files.` })];
    // Unknown when either side's args are malformed: their own checks report that.
    if (use.args === undefined || found.requiredArgs === undefined) return [];
    const passed = new Set(use.args);
    const missing = found.requiredArgs.filter((name) => !passed.has(name));
    if (missing.length === 0) return [];
    return [findingAt(rollout.doc, { path: `${use.path}.args`, message: `must pass ${missing.map((m) => `"${m}"`).join(', ')}, required by ${kind} "${found.name}".` })];
  });
}

function analysisFindings(rollout: RolloutRefs, inventory: Inventory): Finding[] {
  const names = [...new Set(rollout.analyses.flatMap((u) => u.templates.map((t) => t.templateName)))];
  if (names.length === 0) return [];
  if (!inventory.sawTemplates) {
    return [findingAt(rollout.doc, { path: CANARY, message: `analysis templates ${names.join(', ')} were not checked: no AnalysisTemplate is among the given files.` }, 'warning')];
  }
  return rollout.analyses.flatMap((use) => templateUseFindings(rollout, use, inventory));
}

/** All cross-document findings, for every Rollout of the invocation. */
export function crossCheck(inventory: Inventory): Finding[] {
  return inventory.rollouts.flatMap((rollout) => [
    ...serviceFindings(rollout, inventory),
    ...mappingFindings(rollout, inventory),
    ...analysisFindings(rollout, inventory),
  ]);
}
