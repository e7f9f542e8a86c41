/**
 * Pure part of `kanary migrate`: parses a YAML file with the `yaml` package's Document API (node
 * source ranges and line positions; comments kept) and rewrites the apiVersion of its Argo Rollouts
 * objects by splicing the source text at that one scalar. Comments, key order, quoting, line endings
 * and every other document stay byte for byte. No I/O.
 */
import type { Document, ParsedNode } from 'yaml';
import { LineCounter, isAlias, isMap, isScalar, parseAllDocuments } from 'yaml';
import {
  ANALYSIS_RUN_KIND,
  ANALYSIS_TEMPLATE_KIND,
  ARGO_API_VERSION,
  CLUSTER_ANALYSIS_TEMPLATE_KIND,
  KANARY_API_VERSION,
  ROLLOUT_KIND,
} from '../api/labels.js';
import type { SourceFile } from './lint-documents.js';
import { locatePath } from './migrate-locate.js';

/** The Argo Rollouts kinds Kanary has under the same name; only these are rewritten. */
export const MIGRATED_KINDS: readonly string[] = [ROLLOUT_KIND, ANALYSIS_TEMPLATE_KIND, CLUSTER_ANALYSIS_TEMPLATE_KIND, ANALYSIS_RUN_KIND];

export type ParsedYamlDocument = Document.Parsed<ParsedNode, true>;

/** How one document relates to the migration. */
export type DocumentRole = 'argo' | 'kanary' | 'other';

export interface ManifestDocument {
  file: string;
  /** 1-based position of the document in its file. */
  index: number;
  document: ParsedYamlDocument;
  apiVersion?: string;
  kind?: string;
  name?: string;
  role: DocumentRole;
}

export interface ManifestFile {
  name: string;
  text: string;
  lineCounter: LineCounter;
  documents: ManifestDocument[];
}

/** A position in a file: 1-based line and column. */
export interface SourcePosition {
  line: number;
  column: number;
}

export interface YamlSyntaxProblem extends SourcePosition {
  file: string;
  message: string;
}

export interface MigratedObject extends SourcePosition {
  file: string;
  index: number;
  kind: string;
  name: string;
}

export interface FileMigration {
  name: string;
  before: string;
  after: string;
  objects: MigratedObject[];
  /** apiVersions the rewrite could not find in the source (an alias, an escaped string). */
  unrewritable: MigratedObject[];
}

/** A top-level string field, through an alias if need be. */
function rootString(document: ParsedYamlDocument, key: string): string | undefined {
  const node: unknown = document.get(key, true);
  const scalar = isAlias(node) ? node.resolve(document) : node;
  return isScalar(scalar) && typeof scalar.value === 'string' ? scalar.value : undefined;
}

function metadataName(document: ParsedYamlDocument): string | undefined {
  const value: unknown = document.getIn(['metadata', 'name']);
  return typeof value === 'string' ? value : undefined;
}

function roleOf(apiVersion: string | undefined, kind: string | undefined): DocumentRole {
  if (kind === undefined || !MIGRATED_KINDS.includes(kind)) return 'other';
  if (apiVersion === ARGO_API_VERSION) return 'argo';
  return apiVersion === KANARY_API_VERSION ? 'kanary' : 'other';
}

function describeDocument(file: string, index: number, document: ParsedYamlDocument): ManifestDocument {
  const apiVersion = isMap(document.contents) ? rootString(document, 'apiVersion') : undefined;
  const kind = isMap(document.contents) ? rootString(document, 'kind') : undefined;
  const name = isMap(document.contents) ? metadataName(document) : undefined;
  return { file, index, document, apiVersion, kind, name, role: roleOf(apiVersion, kind) };
}

/** The 1-based line and column of a character offset. */
export function positionAt(lineCounter: LineCounter, offset: number): SourcePosition {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/**
 * Parses every document of a file. YAML 1.2 as `kanary lint` reads it, with `<<` merge keys as
 * Kubernetes accepts them. A syntax error anywhere makes the whole file a problem naming its line.
 */
export function parseManifestFile(source: SourceFile): { file?: ManifestFile; problem?: YamlSyntaxProblem } {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(source.text, { lineCounter, merge: true, prettyErrors: false });
  const documents = Array.isArray(parsed) ? parsed : [];
  for (const document of documents) {
    const error = document.errors[0];
    if (error) {
      const message = error.message.replace(/\s+at line \d+, column \d+:?\s*$/s, '');
      return { problem: { file: source.name, ...positionAt(lineCounter, error.pos[0]), message } };
    }
  }
  const described = documents.map((document, i) => describeDocument(source.name, i + 1, document));
  return { file: { name: source.name, text: source.text, lineCounter, documents: described } };
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** The edit that turns this document's apiVersion scalar into kanary.dev/v1alpha1, if the source spells it plainly. */
function apiVersionEdit(file: ManifestFile, doc: ManifestDocument): Edit | undefined {
  const contents = doc.document.contents;
  if (!isMap(contents)) return undefined;
  const pair = contents.items.find((item) => isScalar(item.key) && item.key.value === 'apiVersion');
  const value = pair?.value;
  if (!isScalar(value) || !value.range) return undefined;
  const [start, end] = value.range;
  const at = file.text.slice(start, end).indexOf(ARGO_API_VERSION);
  if (at < 0) return undefined;
  return { start: start + at, end: start + at + ARGO_API_VERSION.length, text: KANARY_API_VERSION };
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}

/** Rewrites the apiVersion of every Argo Rollouts object of the file; everything else is left as it is. */
export function migrateManifestFile(file: ManifestFile): FileMigration {
  const edits: Edit[] = [];
  const objects: MigratedObject[] = [];
  const unrewritable: MigratedObject[] = [];
  for (const doc of file.documents.filter((d) => d.role === 'argo')) {
    const edit = apiVersionEdit(file, doc);
    const where = positionAt(file.lineCounter, edit?.start ?? locatePath(doc.document, 'apiVersion').offset);
    const object: MigratedObject = { file: file.name, index: doc.index, kind: doc.kind ?? '', name: doc.name ?? '', ...where };
    if (edit) {
      edits.push(edit);
      objects.push(object);
    } else {
      unrewritable.push(object);
    }
  }
  return { name: file.name, before: file.text, after: applyEdits(file.text, edits), objects, unrewritable };
}
