// Reads the templates `kanary backtest -f` names: every AnalysisTemplate and ClusterAnalysisTemplate
// document of the files (other kinds are skipped), checked by the same validation as `kanary lint`
// and the controller. Any problem is bad input (exit 2), all of them listed at once.
import { readFile } from 'node:fs/promises';
import { validateAnalysisTemplate } from '../api/analysis-validate.js';
import { ARGO_API_VERSION, KANARY_API_VERSION } from '../api/labels.js';
import type { NamedTemplate } from '../analysis/build-analysis-run.js';
import { badInput } from './backtest-flags.js';
import { parseYamlFile, type YamlDocument } from './lint-documents.js';

const TEMPLATE_KINDS = ['AnalysisTemplate', 'ClusterAnalysisTemplate'];

function isTemplate(doc: YamlDocument): boolean {
  const value = doc.value as { apiVersion?: unknown; kind?: unknown } | null;
  if (value === null || typeof value !== 'object') return false;
  return TEMPLATE_KINDS.includes(String(value.kind)) && (value.apiVersion === KANARY_API_VERSION || value.apiVersion === ARGO_API_VERSION);
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw badInput(`${file}: ${code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? 'unknown error'})`}`);
  }
}

function checkDoc(doc: YamlDocument, problems: string[]): NamedTemplate | undefined {
  const raw = doc.value as Record<string, unknown>;
  const input = raw.apiVersion === ARGO_API_VERSION ? { ...raw, apiVersion: KANARY_API_VERSION } : raw;
  const validated = validateAnalysisTemplate(input);
  for (const problem of validated.problems) problems.push(`${doc.file}:doc${doc.index} ${problem.path}${problem.path === '' ? '' : ': '}${problem.message}`);
  const template = validated.template;
  if (template === undefined || validated.problems.length > 0) return undefined;
  return { label: `${template.kind} "${template.metadata.name}"`, spec: template.spec };
}

/** The validated templates of the files, in order; throws a UserError (exit 2) listing every problem. */
export async function loadBacktestTemplates(files: readonly string[]): Promise<NamedTemplate[]> {
  const templates: NamedTemplate[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const parsed = parseYamlFile({ name: file, text: await readText(file) });
    problems.push(...parsed.findings.map((f) => `${f.file}${f.doc === undefined ? '' : `:doc${f.doc}`}: ${f.message}`));
    const docs = parsed.docs.filter(isTemplate);
    if (docs.length === 0 && parsed.findings.length === 0) problems.push(`${file}: holds no ${KANARY_API_VERSION} AnalysisTemplate or ClusterAnalysisTemplate`);
    for (const doc of docs) {
      const template = checkDoc(doc, problems);
      if (template !== undefined) templates.push(template);
    }
  }
  if (problems.length > 0) throw badInput(`the template is not valid:\n  ${problems.join('\n  ')}`);
  return templates;
}
