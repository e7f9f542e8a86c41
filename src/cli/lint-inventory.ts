/**
 * What the documents of one `kanary lint` invocation declare, for the cross-document checks. Read
 * leniently from the documents as written, so that a document with its own problems still takes
 * part: a Rollout with a range error still has its Services and templates checked, and a template
 * with a bad metric is still "among the given files". A field of the wrong shape is left out (its
 * document's own check reports it) and the cross-document checks that need it are skipped.
 */
import type { YamlDocument } from './lint-documents.js';

type Fields = Record<string, unknown>;

export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `keys` inside plain objects; undefined as soon as a level is not an object. */
export function fieldAt(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isFields(current)) return undefined;
    current = current[key];
  }
  return current;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A string map; undefined when malformed, `missing` when absent. */
function stringMap(value: unknown, missing: Record<string, string> | undefined): Record<string, string> | undefined {
  if (value === undefined) return missing;
  if (!isFields(value) || !Object.values(value).every((v) => typeof v === 'string')) return undefined;
  return value as Record<string, string>;
}

/** A list's string items with their index; malformed items are left out. */
function namedItems(value: unknown): { index: number; name: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown, index) => (typeof item === 'string' && item !== '' ? [{ index, name: item }] : []));
}

export interface TemplateRef {
  index: number;
  templateName: string;
  cluster: boolean;
}

/** One place a Rollout names analysis templates (a step, or background analysis). */
export interface AnalysisUse {
  path: string;
  templates: TemplateRef[];
  /** Names of the args passed; undefined when `args` is malformed (the argument check is skipped). */
  args?: string[];
}

export interface RolloutRefs {
  doc: YamlDocument;
  /** `Rollout "demo"`, for messages. */
  title: string;
  stableService?: string;
  canaryService?: string;
  /** Blue/green: `spec.strategy.blueGreen.activeService` / `previewService`. */
  activeService?: string;
  previewService?: string;
  /** The pod template's labels; undefined when malformed. */
  podLabels?: Record<string, string>;
  ambassador?: { mappings: { index: number; name: string }[]; apiVersion?: string };
  analyses: AnalysisUse[];
}

export interface TemplateInfo {
  name: string;
  cluster: boolean;
  /** Arguments with neither value nor valueFrom: the Rollout must pass them. Undefined when unknown. */
  requiredArgs?: string[];
}

export interface ServiceInfo {
  name: string;
  /** Undefined when malformed (the selector check is skipped). */
  selector?: Record<string, string>;
}

export interface MappingInfo {
  name: string;
  apiVersion: string;
  weight?: number;
  service?: string;
}

export interface Inventory {
  rollouts: RolloutRefs[];
  services: { doc: YamlDocument; service: ServiceInfo }[];
  mappings: { doc: YamlDocument; mapping: MappingInfo }[];
  templates: TemplateInfo[];
  sawTemplates: boolean;
}

export function emptyInventory(): Inventory {
  return { rollouts: [], services: [], mappings: [], templates: [], sawTemplates: false };
}

const CANARY = 'spec.strategy.canary';

function templateRefs(value: unknown): TemplateRef[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((ref: unknown, index): TemplateRef[] => {
    const templateName = text(fieldAt(ref, 'templateName'));
    const clusterScope = fieldAt(ref, 'clusterScope') ?? false;
    if (templateName === undefined || typeof clusterScope !== 'boolean') return [];
    return [{ index, templateName, cluster: clusterScope }];
  });
}

function passedArgs(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((arg: unknown) => {
    const name = fieldAt(arg, 'name');
    return typeof name === 'string' ? [name] : [];
  });
}

function analysisUse(analysis: unknown, path: string): AnalysisUse[] {
  if (!isFields(analysis)) return [];
  return [{ path, templates: templateRefs(analysis.templates), args: passedArgs(analysis.args) }];
}

function analysisUses(canary: unknown): AnalysisUse[] {
  const steps = fieldAt(canary, 'steps');
  const stepUses = Array.isArray(steps) ? steps.flatMap((step: unknown, index) => analysisUse(fieldAt(step, 'analysis'), `${CANARY}.steps[${index}].analysis`)) : [];
  return [...stepUses, ...analysisUse(fieldAt(canary, 'analysis'), `${CANARY}.analysis`)];
}

const BLUE_GREEN = 'spec.strategy.blueGreen';

function promotionUses(blueGreen: unknown): AnalysisUse[] {
  return (['prePromotionAnalysis', 'postPromotionAnalysis'] as const).flatMap((field) => analysisUse(fieldAt(blueGreen, field), `${BLUE_GREEN}.${field}`));
}

function ambassadorRefs(canary: unknown): RolloutRefs['ambassador'] {
  const ambassador = fieldAt(canary, 'trafficRouting', 'ambassador');
  if (!isFields(ambassador)) return undefined;
  return { mappings: namedItems(ambassador.mappings), apiVersion: text(ambassador.apiVersion) };
}

/** What a Rollout document refers to, as far as its fields are well-formed. */
export function rolloutRefs(doc: YamlDocument): RolloutRefs {
  const raw = doc.value;
  const canary = fieldAt(raw, 'spec', 'strategy', 'canary');
  const blueGreen = fieldAt(raw, 'spec', 'strategy', 'blueGreen');
  const name = text(fieldAt(raw, 'metadata', 'name'));
  return {
    doc,
    title: name === undefined ? `the Rollout in ${doc.file}:doc${doc.index}` : `Rollout "${name}"`,
    stableService: text(fieldAt(canary, 'stableService')),
    canaryService: text(fieldAt(canary, 'canaryService')),
    activeService: text(fieldAt(blueGreen, 'activeService')),
    previewService: text(fieldAt(blueGreen, 'previewService')),
    podLabels: stringMap(fieldAt(raw, 'spec', 'template', 'metadata', 'labels'), {}),
    ambassador: ambassadorRefs(canary),
    analyses: [...analysisUses(canary), ...promotionUses(blueGreen)],
  };
}

function requiredArgs(args: unknown): string[] | undefined {
  if (args === undefined) return [];
  if (!Array.isArray(args)) return undefined;
  return args.flatMap((arg: unknown) => {
    if (!isFields(arg) || typeof arg.name !== 'string') return [];
    return arg.value === undefined && arg.valueFrom === undefined ? [arg.name] : [];
  });
}

/** A template's name and required args; undefined without a name. */
export function templateInfo(raw: unknown, cluster: boolean): TemplateInfo | undefined {
  const name = text(fieldAt(raw, 'metadata', 'name'));
  return name === undefined ? undefined : { name, cluster, requiredArgs: requiredArgs(fieldAt(raw, 'spec', 'args')) };
}

export function serviceInfo(raw: unknown): ServiceInfo | undefined {
  const name = text(fieldAt(raw, 'metadata', 'name'));
  return name === undefined ? undefined : { name, selector: stringMap(fieldAt(raw, 'spec', 'selector'), {}) };
}

export function mappingInfo(raw: unknown): MappingInfo | undefined {
  const name = text(fieldAt(raw, 'metadata', 'name'));
  const apiVersion = text(fieldAt(raw, 'apiVersion'));
  if (name === undefined || apiVersion === undefined) return undefined;
  const weight = fieldAt(raw, 'spec', 'weight');
  return { name, apiVersion, weight: typeof weight === 'number' ? weight : undefined, service: text(fieldAt(raw, 'spec', 'service')) };
}
