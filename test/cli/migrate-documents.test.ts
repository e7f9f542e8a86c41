import { migrateManifestFile, parseManifestFile } from '../../src/cli/migrate-documents.js';
import { locatePath, tokenizePath } from '../../src/cli/migrate-locate.js';
import { planMigration, migrationExitCode } from '../../src/cli/migrate-plan.js';

function migrateText(text: string): string {
  const { file, problem } = parseManifestFile({ name: 'f.yaml', text });
  if (!file) throw new Error(problem?.message ?? 'no file');
  return migrateManifestFile(file).after;
}

const ROLLOUT_BODY = 'kind: Rollout\nmetadata: {name: r}\n';

describe('migrateManifestFile', () => {
  test.each([
    ['plain', 'apiVersion: argoproj.io/v1alpha1\n', 'apiVersion: kanary.dev/v1alpha1\n'],
    ['double-quoted', 'apiVersion: "argoproj.io/v1alpha1"\n', 'apiVersion: "kanary.dev/v1alpha1"\n'],
    ['single-quoted with a comment', "apiVersion: 'argoproj.io/v1alpha1' # argo\n", "apiVersion: 'kanary.dev/v1alpha1' # argo\n"],
    ['CRLF line endings', 'apiVersion: argoproj.io/v1alpha1\r\n', 'apiVersion: kanary.dev/v1alpha1\r\n'],
  ])('%s', (_case, head, expected) => {
    const body = head.endsWith('\r\n') ? ROLLOUT_BODY.replace(/\n/g, '\r\n') : ROLLOUT_BODY;
    expect(migrateText(`${head}${body}`)).toBe(`${expected}${body}`);
  });

  test('a flow-style document keeps its form', () => {
    expect(migrateText('{kind: AnalysisRun, apiVersion: argoproj.io/v1alpha1, metadata: {name: x}}\n')).toBe('{kind: AnalysisRun, apiVersion: kanary.dev/v1alpha1, metadata: {name: x}}\n');
  });

  test('only the four Argo Rollouts kinds move; Argo CD kinds and other groups stay', () => {
    const text = [
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\n',
      'apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: p}\n',
      'apiVersion: example.com/v1\nkind: Rollout\nmetadata: {name: other}\n',
      'apiVersion: argoproj.io/v1alpha1\nkind: ClusterAnalysisTemplate\nmetadata: {name: c}\n',
    ].join('---\n');
    const after = migrateText(text);
    expect(after).toBe(text.replace('apiVersion: argoproj.io/v1alpha1\nkind: ClusterAnalysisTemplate', 'apiVersion: kanary.dev/v1alpha1\nkind: ClusterAnalysisTemplate'));
  });

  test('nested references are not rewritten (workloadRef, ownerReferences, labels)', () => {
    const text = `apiVersion: argoproj.io/v1alpha1
kind: AnalysisRun
metadata:
  name: run
  labels: {rollouts-pod-template-hash: abc}
  ownerReferences: [{apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: web, uid: u}]
`;
    const after = migrateText(text);
    expect(after).toBe(text.replace('apiVersion: argoproj.io/v1alpha1\nkind: AnalysisRun', 'apiVersion: kanary.dev/v1alpha1\nkind: AnalysisRun'));
  });

  test('an apiVersion through an alias cannot be rewritten in place and is reported, not guessed', () => {
    const text = 'kind: AnalysisTemplate\nmetadata: {name: t, annotations: {from: &v argoproj.io/v1alpha1}}\napiVersion: *v\nspec: {metrics: [{name: m, provider: {prometheus: {query: up}}}]}\n';
    const plan = planMigration([{ name: 'f.yaml', text }]);
    expect(plan.files[0]?.after).toBe(plan.files[0]?.before);
    expect(plan.findings).toEqual([expect.objectContaining({ path: 'apiVersion', severity: 'refused', line: 3, column: 1, object: 'AnalysisTemplate/t' })]);
    expect(migrationExitCode(plan)).toBe(1);
  });
});

describe('parseManifestFile', () => {
  test('a syntax error names the line', () => {
    const { problem } = parseManifestFile({ name: 'x.yaml', text: 'a: 1\n---\nb: [1, 2\nc: 3\n' });
    expect(problem).toMatchObject({ file: 'x.yaml' });
    expect(problem?.line).toBeGreaterThanOrEqual(3);
  });

  test('duplicate keys are a syntax error, as for Kubernetes', () => {
    const { problem } = parseManifestFile({ name: 'x.yaml', text: 'kind: Rollout\nkind: Service\n' });
    expect(problem).toMatchObject({ line: 2, column: 1 });
  });
});

describe('locatePath', () => {
  const text = `apiVersion: kanary.dev/v1alpha1
metadata:
  labels:
    app.kubernetes.io/name: web
spec:
  steps:
    - setWeight: 10
    - pause: {}
      extra: 1
`;
  const parsed = parseManifestFile({ name: 'f.yaml', text }).file;

  test.each([
    ['spec.steps[1].extra', 9, 7, true],
    ['spec.steps[0]', 7, 7, true],
    ['metadata.labels.app.kubernetes.io/name', 4, 5, true],
    ['spec.selector', 5, 1, false],
    ['spec.steps[5].setWeight', 6, 3, false],
    ['', 1, 1, true],
  ])('%s', (path, line, column, exact) => {
    const doc = parsed?.documents[0];
    if (!parsed || !doc) throw new Error('not parsed');
    const located = locatePath(doc.document, path);
    expect(parsed.lineCounter.linePos(located.offset)).toEqual({ line, col: column });
    expect(located.exact).toBe(exact);
  });

  test('tokenizePath', () => {
    expect(tokenizePath('spec.strategy.canary.steps[2].setWeight')).toEqual(['spec', 'strategy', 'canary', 'steps', 2, 'setWeight']);
  });
});

describe('migrationExitCode', () => {
  test.each([
    ['clean Argo objects', `apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata: {name: t}\nspec: {metrics: [{name: m, provider: {prometheus: {query: up}}}]}\n`, 0],
    ['a refused field', `apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata: {name: t}\nspec: {metrics: [{name: m, interval: 30, provider: {prometheus: {query: up}}}]}\n`, 1],
    ['an AnalysisRun', `apiVersion: argoproj.io/v1alpha1\nkind: AnalysisRun\nmetadata: {name: r}\nspec: {metrics: [{name: m, provider: {prometheus: {query: up}}}]}\n`, 0],
    ['an AnalysisRun with a Datadog metric', `apiVersion: argoproj.io/v1alpha1\nkind: AnalysisRun\nmetadata: {name: r}\nspec: {metrics: [{name: m, provider: {datadog: {query: up}}}]}\n`, 1],
    ['no Argo Rollouts object', 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n', 2],
    ['not YAML', 'a: [\n', 2],
  ])('%s', (_case, text, code) => {
    expect(migrationExitCode(planMigration([{ name: 'f.yaml', text }]))).toBe(code);
  });
});
