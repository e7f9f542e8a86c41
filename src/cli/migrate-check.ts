/**
 * Pure part of `kanary migrate`: what Kanary would refuse in the migrated objects, found by the
 * project's own validation (validateRollout, validateAnalysisTemplate, the AnalysisRun schema and
 * `kanary lint`'s cross-document checks), each problem placed on its file and line. Also flags the
 * places that still name an Argo Rollouts kind in the argoproj.io group (Kustomize patch targets,
 * Argo CD ignoreDifferences), which the migration leaves as they are.
 */
import type { YAMLMap } from 'yaml';
import { isMap, isScalar, isSeq } from 'yaml';
import { analysisRunSchema } from '../api/analysis.js';
import { validateAnalysisTemplate } from '../api/analysis-validate.js';
import { ANALYSIS_RUN_KIND, ARGO_API_VERSION, KANARY_API_VERSION, KANARY_GROUP, ROLLOUT_KIND } from '../api/labels.js';
import type { Problem } from '../api/problems.js';
import { problemsFromZod } from '../api/problems.js';
import { validateRollout } from '../api/validate-rollout.js';
import { crossCheck } from './lint-cross-checks.js';
import type { Finding, YamlDocument } from './lint-documents.js';
import { checkDocument, emptyInventory } from './lint-documents.js';
import type { ManifestDocument, ManifestFile, SourcePosition } from './migrate-documents.js';
import { MIGRATED_KINDS, positionAt } from './migrate-documents.js';
import { findPair, locatePath } from './migrate-locate.js';

/** `refused`: Kanary would reject the object (InvalidSpec, a failed apply); `warning`: worth a look, not a rejection. */
export type MigrateSeverity = 'refused' | 'warning';

export interface MigrateFinding extends SourcePosition {
  file: string;
  /** `Rollout/web`, or the kind alone when the object has no name. */
  object: string;
  /** Field path as `kanary lint` prints it; empty for the object itself. */
  path: string;
  message: string;
  severity: MigrateSeverity;
}

const ARGO_GROUP = ARGO_API_VERSION.split('/')[0] ?? 'argoproj.io';
/** Argo Rollouts kinds that Kanary does not have: left as they are, and said so. */
const UNSUPPORTED_ARGO_KINDS: readonly string[] = ['Experiment'];
/** Documents that `kanary lint`'s cross-document checks read besides the Kanary kinds. */
const REFERENCED_KINDS: readonly string[] = ['v1 Service', 'getambassador.io/v2 Mapping', 'getambassador.io/v3alpha1 Mapping'];

function objectLabel(doc: ManifestDocument): string {
  const kind = doc.kind ?? 'document';
  return doc.name ? `${kind}/${doc.name}` : kind;
}

function findingFor(file: ManifestFile, doc: ManifestDocument, problem: Problem, severity: MigrateSeverity): MigrateFinding {
  const { offset } = locatePath(doc.document, problem.path);
  return { file: file.name, ...positionAt(file.lineCounter, offset), object: objectLabel(doc), path: problem.path, message: problem.message, severity };
}

/** The document as Kanary will read it: plain data, with the apiVersion the migration writes. */
export function convertedValue(doc: ManifestDocument): unknown {
  const value: unknown = doc.document.toJS({ maxAliasCount: -1 });
  if (doc.role !== 'argo' || typeof value !== 'object' || value === null) return value;
  return { ...(value as Record<string, unknown>), apiVersion: KANARY_API_VERSION };
}

function validateObject(kind: string | undefined, value: unknown): Problem[] {
  if (kind === ROLLOUT_KIND) return validateRollout(value).problems;
  if (kind === ANALYSIS_RUN_KIND) {
    const parsed = analysisRunSchema.safeParse(value, { reportInput: true });
    return parsed.success ? [] : problemsFromZod(parsed.error, analysisRunSchema);
  }
  return validateAnalysisTemplate(value).problems;
}

interface Located {
  file: ManifestFile;
  doc: ManifestDocument;
  value: unknown;
}

/** Every Kanary object after the migration: the ones it converts and the ones already converted. */
function refusals(entries: readonly Located[]): MigrateFinding[] {
  return entries
    .filter((e) => e.doc.role !== 'other')
    .flatMap((e) => validateObject(e.doc.kind, e.value).map((p) => findingFor(e.file, e.doc, p, 'refused')));
}


/** The Kanary objects and the documents they refer to: the only ones converted to plain data. */
function needsValue(doc: ManifestDocument): boolean {
  return doc.role !== 'other' || REFERENCED_KINDS.includes(`${doc.apiVersion ?? ''} ${doc.kind ?? ''}`);
}

/**
 * `kanary lint`'s cross-document checks over the migrated objects and the Services, Mappings and
 * templates beside them. Reported as warnings: whether a Service is "among the given files"
 * depends on which paths were migrated together, not on what Kanary accepts.
 */
function crossDocumentWarnings(entries: readonly Located[]): MigrateFinding[] {
  const inventory = emptyInventory();
  const byKey = new Map<string, Located>();
  for (const entry of entries.filter((e) => needsValue(e.doc))) {
    const yamlDoc: YamlDocument = { file: entry.file.name, index: entry.doc.index, value: entry.value };
    byKey.set(`${yamlDoc.file}#${yamlDoc.index}`, entry);
    checkDocument(yamlDoc, inventory);
  }
  return crossCheck(inventory).flatMap((finding: Finding) => {
    const entry = byKey.get(`${finding.file}#${finding.doc ?? 0}`);
    if (!entry) return [];
    return [findingFor(entry.file, entry.doc, { path: finding.path, message: finding.message }, 'warning')];
  });
}

function collectMaps(node: unknown, out: YAMLMap[]): YAMLMap[] {
  if (isMap(node)) {
    out.push(node);
    node.items.forEach((item) => collectMaps(item.value, out));
  } else if (isSeq(node)) {
    node.items.forEach((item) => collectMaps(item, out));
  }
  return out;
}

function scalarText(map: YAMLMap, key: string): string | undefined {
  const value = findPair(map, key)?.value;
  return isScalar(value) && typeof value.value === 'string' ? value.value : undefined;
}

/** A map such as `{group: argoproj.io, kind: Rollout}` or `{apiVersion: argoproj.io/v1alpha1, kind: Rollout}`. */
function argoReferenceField(map: YAMLMap): 'group' | 'apiVersion' | undefined {
  const kind = scalarText(map, 'kind');
  if (kind === undefined || !MIGRATED_KINDS.includes(kind)) return undefined;
  if (scalarText(map, 'group') === ARGO_GROUP) return 'group';
  return scalarText(map, 'apiVersion') === ARGO_API_VERSION ? 'apiVersion' : undefined;
}

function referenceWarning(entry: Located, map: YAMLMap, field: 'group' | 'apiVersion'): MigrateFinding {
  const key = findPair(map, field)?.key;
  const start = isScalar(key) && key.range ? key.range[0] : entry.doc.document.range[0];
  const kind = scalarText(map, 'kind') ?? '';
  const [old, wanted] = field === 'group' ? [ARGO_GROUP, KANARY_GROUP] : [ARGO_API_VERSION, KANARY_API_VERSION];
  return {
    file: entry.file.name,
    ...positionAt(entry.file.lineCounter, start),
    object: objectLabel(entry.doc),
    path: field,
    message: `refers to ${kind} as ${old}; after the migration it is ${wanted}: change it by hand (kanary migrate rewrites only the top-level apiVersion of Argo Rollouts objects).`,
    severity: 'warning',
  };
}

function argoReferenceWarnings(entry: Located): MigrateFinding[] {
  const root = entry.doc.document.contents;
  const maps = collectMaps(root, []).filter((map) => !(entry.doc.role === 'argo' && map === root));
  return maps.flatMap((map) => {
    const field = argoReferenceField(map);
    return field ? [referenceWarning(entry, map, field)] : [];
  });
}

function unsupportedKindWarnings(entry: Located): MigrateFinding[] {
  const { doc } = entry;
  if (doc.apiVersion !== ARGO_API_VERSION || doc.kind === undefined || !UNSUPPORTED_ARGO_KINDS.includes(doc.kind)) return [];
  const problem = { path: 'kind', message: `Kanary has no ${doc.kind}: this object is left as ${ARGO_API_VERSION} and needs Argo Rollouts.` };
  return [findingFor(entry.file, doc, problem, 'warning')];
}

/** Every finding for a set of parsed files: refusals of the migrated objects first, then warnings. */
export function checkMigration(files: readonly ManifestFile[]): MigrateFinding[] {
  const entries: Located[] = files.flatMap((file) =>
    file.documents.map((doc) => ({ file, doc, value: needsValue(doc) ? convertedValue(doc) : undefined })),
  );
  return [
    ...refusals(entries),
    ...crossDocumentWarnings(entries),
    ...entries.flatMap(argoReferenceWarnings),
    ...entries.flatMap(unsupportedKindWarnings),
  ];
}
