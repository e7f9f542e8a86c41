/**
 * Pure part of `kanary lint`: splits multi-document YAML, checks each document by kind and
 * returns findings. No I/O: the command reads the files and prints the report.
 */
import * as yaml from 'js-yaml';
import { validateAnalysisTemplate } from '../api/analysis-validate.js';
import { ARGO_API_VERSION, KANARY_API_VERSION } from '../api/labels.js';
import { mappingSchema } from '../api/mapping.js';
import type { Problem } from '../api/problems.js';
import { describeValue, problemsFromZod } from '../api/problems.js';
import { validateRollout } from '../api/validate-rollout.js';
import type { Inventory } from './lint-inventory.js';
import { isFields, mappingInfo, rolloutRefs, serviceInfo, templateInfo } from './lint-inventory.js';

export type Severity = 'error' | 'warning' | 'note';

export interface Finding {
  file: string;
  /** 1-based document number inside the file. */
  doc?: number;
  /** 1-based line, for malformed YAML. */
  line?: number;
  path: string;
  message: string;
  severity: Severity;
}

export interface SourceFile {
  name: string;
  text: string;
}

export interface YamlDocument {
  file: string;
  /** 1-based. */
  index: number;
  value: unknown;
}

export type { Inventory } from './lint-inventory.js';
export { emptyInventory } from './lint-inventory.js';

const SEPARATOR = /^---(?:\s.*)?$/;

/** Splits at `---` lines; each chunk remembers its first line (1-based). */
export function splitYamlDocuments(text: string): { startLine: number; text: string }[] {
  const lines = text.split(/\r?\n/);
  const chunks: { startLine: number; text: string }[] = [];
  let current: string[] = [];
  let startLine = 1;
  lines.forEach((line, index) => {
    if (SEPARATOR.test(line)) {
      chunks.push({ startLine, text: current.join('\n') });
      current = [];
      startLine = index + 2;
    } else {
      current.push(line);
    }
  });
  chunks.push({ startLine, text: current.join('\n') });
  return chunks.filter((chunk, i) => i > 0 || chunk.text.trim() !== '' || chunks.length === 1);
}

function yamlFinding(file: string, doc: number, error: unknown, startLine: number): Finding {
  const mark = (error as { mark?: { line?: number; column?: number } }).mark;
  const reason = (error as { reason?: string }).reason ?? (error instanceof Error ? error.message : String(error));
  const line = startLine + (mark?.line ?? 0);
  const column = (mark?.column ?? 0) + 1;
  return { file, doc, line, path: '', message: `malformed YAML at line ${line}, column ${column}: ${reason}.`, severity: 'error' };
}

/** Parses every document of a file; a malformed one becomes a finding naming its line. */
export function parseYamlFile(source: SourceFile): { docs: YamlDocument[]; findings: Finding[] } {
  const docs: YamlDocument[] = [];
  const findings: Finding[] = [];
  splitYamlDocuments(source.text).forEach((chunk, i) => {
    const index = i + 1;
    try {
      const value = yaml.load(chunk.text);
      if (value !== null && value !== undefined) docs.push({ file: source.name, index, value });
    } catch (error) {
      findings.push(yamlFinding(source.name, index, error, chunk.startLine));
    }
  });
  return { docs, findings };
}

export function findingAt(doc: YamlDocument, problem: Problem, severity: Severity = 'error'): Finding {
  return { file: doc.file, doc: doc.index, path: problem.path, message: problem.message, severity };
}

type Obj = Record<string, unknown>;

function checkRollout(doc: YamlDocument, inventory: Inventory): Finding[] {
  const raw = doc.value as Obj;
  const notes: Finding[] = [];
  let input: unknown = raw;
  if (raw.apiVersion === ARGO_API_VERSION) {
    notes.push(findingAt(doc, { path: 'apiVersion', message: `${ARGO_API_VERSION} Rollout: it runs unchanged under ${KANARY_API_VERSION} (change only apiVersion).` }, 'note'));
    input = { ...raw, apiVersion: KANARY_API_VERSION };
  }
  // Every Rollout takes part in the cross-document checks, valid or not: all problems at once.
  inventory.rollouts.push(rolloutRefs(doc));
  return [...notes, ...validateRollout(input).problems.map((p) => findingAt(doc, p))];
}

function checkTemplate(doc: YamlDocument, inventory: Inventory, cluster: boolean): Finding[] {
  const raw = doc.value as Obj;
  const notes: Finding[] = [];
  let input: unknown = raw;
  if (raw.apiVersion === ARGO_API_VERSION) {
    notes.push(findingAt(doc, { path: 'apiVersion', message: `${ARGO_API_VERSION} ${String(raw.kind)}: it runs unchanged under ${KANARY_API_VERSION} (change only apiVersion).` }, 'note'));
    input = { ...raw, apiVersion: KANARY_API_VERSION };
  }
  inventory.sawTemplates = true;
  const info = templateInfo(input, cluster);
  if (info) inventory.templates.push(info);
  return [...notes, ...validateAnalysisTemplate(input).problems.map((p) => findingAt(doc, p))];
}

function checkStringMap(value: unknown, path: string): Problem[] {
  if (value === undefined) return [];
  if (!isFields(value)) return [{ path, message: `must be a map of label keys to values, not ${describeValue(value)}.` }];
  return Object.entries(value)
    .filter(([, v]) => typeof v !== 'string')
    .map(([k, v]) => ({ path: `${path}.${k}`, message: `must be a string, not ${describeValue(v)} (quote it).` }));
}

function checkService(doc: YamlDocument, inventory: Inventory): Finding[] {
  const raw = doc.value as Obj;
  const metadata = isFields(raw.metadata) ? raw.metadata : {};
  const spec = isFields(raw.spec) ? raw.spec : {};
  const problems: Problem[] = [];
  if (typeof metadata.name !== 'string' || metadata.name === '') problems.push({ path: 'metadata.name', message: 'is required.' });
  problems.push(...checkStringMap(spec.selector, 'spec.selector'));
  const service = serviceInfo(raw);
  if (service) inventory.services.push({ doc, service });
  return problems.map((p) => findingAt(doc, p));
}

function checkMapping(doc: YamlDocument, inventory: Inventory): Finding[] {
  const mapping = mappingInfo(doc.value);
  if (mapping) inventory.mappings.push({ doc, mapping });
  const parsed = mappingSchema.safeParse(doc.value, { reportInput: true });
  return parsed.success ? [] : problemsFromZod(parsed.error, mappingSchema).map((p) => findingAt(doc, p));
}

type Checker = (doc: YamlDocument, inventory: Inventory) => Finding[];

const CHECKERS: Readonly<Record<string, Checker>> = {
  [`${KANARY_API_VERSION} Rollout`]: checkRollout,
  [`${ARGO_API_VERSION} Rollout`]: checkRollout,
  [`${KANARY_API_VERSION} AnalysisTemplate`]: (d, i) => checkTemplate(d, i, false),
  [`${ARGO_API_VERSION} AnalysisTemplate`]: (d, i) => checkTemplate(d, i, false),
  [`${KANARY_API_VERSION} ClusterAnalysisTemplate`]: (d, i) => checkTemplate(d, i, true),
  [`${ARGO_API_VERSION} ClusterAnalysisTemplate`]: (d, i) => checkTemplate(d, i, true),
  'v1 Service': checkService,
  'getambassador.io/v2 Mapping': checkMapping,
  'getambassador.io/v3alpha1 Mapping': checkMapping,
};

/** Checks one document on its own and records what it declares in `inventory`. */
export function checkDocument(doc: YamlDocument, inventory: Inventory): Finding[] {
  const value = doc.value;
  if (!isFields(value)) {
    return [findingAt(doc, { path: '', message: `is not a Kubernetes object (found ${describeValue(value)}).` })];
  }
  if (typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
    return [findingAt(doc, { path: '', message: 'is not a Kubernetes object: apiVersion and kind are required.' })];
  }
  const checker = CHECKERS[`${value.apiVersion} ${value.kind}`];
  if (checker) return checker(doc, inventory);
  return [findingAt(doc, { path: 'kind', message: `${value.apiVersion} ${value.kind} is not checked by kanary lint.` }, 'note')];
}
