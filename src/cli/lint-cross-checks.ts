/**
 * Cross-document checks of `kanary lint`: a Rollout's Services, Mappings and AnalysisTemplates
 * against the other documents given in the same invocation. Pure.
 */
import type { Rollout } from '../api/rollout.js';
import type { AnalysisTemplateRef, RolloutAnalysisArg } from '../api/rollout.js';
import type { Finding, Inventory, YamlDocument } from './lint-documents.js';
import { findingAt } from './lint-documents.js';
import { parseServiceRef } from '../api/mapping.js';

const CANARY = 'spec.strategy.canary';

type Entry = Inventory['rollouts'][number];

function serviceFindings(entry: Entry, inventory: Inventory): Finding[] {
  const { doc, rollout } = entry;
  const canary = rollout.spec.strategy.canary;
  const wanted = (['stableService', 'canaryService'] as const).flatMap((field) => {
    const name = canary[field];
    return name ? [{ field, name }] : [];
  });
  if (wanted.length === 0) return [];
  if (inventory.services.length === 0) {
    const names = wanted.map((w) => w.name).join(', ');
    return [findingAt(doc, { path: CANARY, message: `Services ${names} were not checked: no Service is among the given files.` }, 'warning')];
  }
  return wanted.flatMap(({ field, name }) => {
    const found = inventory.services.find((s) => s.service.name === name);
    if (!found) return [findingAt(doc, { path: `${CANARY}.${field}`, message: `Service "${name}" is not among the given files.` })];
    return selectorFindings(found, rollout);
  });
}

function selectorFindings(entry: Inventory['services'][number], rollout: Rollout): Finding[] {
  const labels = rollout.spec.template.metadata?.labels ?? {};
  const missing = Object.entries(entry.service.selector).filter(([k, v]) => labels[k] !== v);
  if (missing.length === 0) return [];
  const wanted = missing.map(([k, v]) => `${k}=${v}`).join(', ');
  return [
    findingAt(entry.doc, {
      path: 'spec.selector',
      message: `selects ${wanted}, which the pods of Rollout "${rollout.metadata.name}" do not carry.`,
    }),
  ];
}

function mappingFindings(entry: Entry, inventory: Inventory): Finding[] {
  const { doc, rollout } = entry;
  const ambassador = rollout.spec.strategy.canary.trafficRouting?.ambassador;
  if (!ambassador) return [];
  if (inventory.mappings.length === 0) {
    const names = ambassador.mappings.join(', ');
    return [findingAt(doc, { path: `${CANARY}.trafficRouting.ambassador.mappings`, message: `Mappings ${names} were not checked: no Mapping is among the given files.` }, 'warning')];
  }
  return ambassador.mappings.flatMap((name, index) => {
    const found = inventory.mappings.find((m) => m.mapping.metadata.name === name);
    if (!found) {
      return [findingAt(doc, { path: `${CANARY}.trafficRouting.ambassador.mappings[${index}]`, message: `Mapping "${name}" is not among the given files.` })];
    }
    return baseMappingFindings(found, rollout, ambassador.apiVersion);
  });
}

function baseMappingFindings(entry: Inventory['mappings'][number], rollout: Rollout, apiVersion: string | undefined): Finding[] {
  const { doc, mapping } = entry;
  const findings: Finding[] = [];
  if (mapping.spec.weight !== undefined && mapping.spec.weight !== 0) {
    findings.push(findingAt(doc, {
      path: 'spec.weight',
      message: `a base Mapping used by Rollout "${rollout.metadata.name}" must not set a weight: Kanary sets the weight on "${mapping.metadata.name}-canary".`,
    }));
  }
  const stable = rollout.spec.strategy.canary.stableService;
  const target = parseServiceRef(mapping.spec.service)?.name;
  if (stable && target !== stable) {
    findings.push(findingAt(doc, { path: 'spec.service', message: `points at "${mapping.spec.service}", not at the stable Service "${stable}" of Rollout "${rollout.metadata.name}".` }, 'warning'));
  }
  if (apiVersion && apiVersion !== mapping.apiVersion) {
    findings.push(findingAt(doc, { path: 'apiVersion', message: `is ${mapping.apiVersion} but Rollout "${rollout.metadata.name}" routes through ${apiVersion}.` }, 'warning'));
  }
  return findings;
}

interface AnalysisUse {
  path: string;
  templates: AnalysisTemplateRef[];
  args: RolloutAnalysisArg[];
}

function analysisUses(rollout: Rollout): AnalysisUse[] {
  const canary = rollout.spec.strategy.canary;
  const uses: AnalysisUse[] = (canary.steps ?? []).flatMap((step, index) =>
    step.analysis ? [{ path: `${CANARY}.steps[${index}].analysis`, templates: step.analysis.templates, args: step.analysis.args ?? [] }] : [],
  );
  if (canary.analysis) uses.push({ path: `${CANARY}.analysis`, templates: canary.analysis.templates, args: canary.analysis.args ?? [] });
  return uses;
}

function templateUseFindings(doc: YamlDocument, use: AnalysisUse, inventory: Inventory): Finding[] {
  const passed = new Set(use.args.map((a) => a.name));
  return use.templates.flatMap((ref, index) => {
    const cluster = ref.clusterScope ?? false;
    const kind = cluster ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
    const found = inventory.templates.find((t) => t.name === ref.templateName && t.cluster === cluster);
    const path = `${use.path}.templates[${index}]`;
    if (!found) return [findingAt(doc, { path, message: `${kind} "${ref.templateName}" is not among the given files.` })];
    const missing = found.requiredArgs.filter((name) => !passed.has(name));
    if (missing.length === 0) return [];
    return [findingAt(doc, { path: `${use.path}.args`, message: `must pass ${missing.map((m) => `"${m}"`).join(', ')}, required by ${kind} "${found.name}".` })];
  });
}

function analysisFindings(entry: Entry, inventory: Inventory): Finding[] {
  const uses = analysisUses(entry.rollout);
  if (uses.length === 0) return [];
  if (!inventory.sawTemplates) {
    const names = [...new Set(uses.flatMap((u) => u.templates.map((t) => t.templateName)))].join(', ');
    return [findingAt(entry.doc, { path: `${CANARY}`, message: `analysis templates ${names} were not checked: no AnalysisTemplate is among the given files.` }, 'warning')];
  }
  return uses.flatMap((use) => templateUseFindings(entry.doc, use, inventory));
}

/** All cross-document findings for the Rollouts that passed their own checks. */
export function crossCheck(inventory: Inventory): Finding[] {
  return inventory.rollouts.flatMap((entry) => [
    ...serviceFindings(entry, inventory),
    ...mappingFindings(entry, inventory),
    ...analysisFindings(entry, inventory),
  ]);
}
