import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../src/cli/command.js';
import { lintCommand, lintPaths } from '../../src/cli/lint-command.js';
import { splitYamlDocuments } from '../../src/cli/lint-documents.js';
import { lintSources } from '../../src/cli/lint-report.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bad = (name: string): string => relative(process.cwd(), join(root, 'test/fixtures/manifests/bad', name));

function capture(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, isTty: false }, out, err };
}

describe('kanary lint on the bad-input fixtures', () => {
  test.each([
    ['malformed-yaml.yaml', 'doc1: malformed YAML at line 8, column 12: bad indentation of a mapping entry.'],
    ['unknown-field.yaml', 'doc1 spec.replica: unknown field (did you mean "replicas"?).'],
    ['wrong-type.yaml', 'doc1 spec.replicas: must be a number, not the string "ten".'],
    ['set-weight-negative.yaml', 'doc1 spec.strategy.canary.steps[0].setWeight: must be at least 0, got -1.'],
    ['set-weight-101.yaml', 'doc1 spec.strategy.canary.steps[4].setWeight: must be at most 100, got 101.'],
    ['two-step-kinds.yaml', 'doc1 spec.strategy.canary.steps[2]: sets setWeight and pause: a step must set exactly one of setWeight, pause, setCanaryScale, analysis, setHeaderRoute, setMirrorRoute.'],
    ['duration-5x.yaml', 'doc1 spec.strategy.canary.steps[1].pause.duration: "5x" is not a duration: use whole seconds (30) or a Go-style duration such as 30s, 1m, 1h30m or 500ms.'],
    ['missing-selector.yaml', 'doc1 spec.selector: is required.'],
    ['selector-mismatch.yaml', 'doc1 spec.selector: does not match the labels in spec.template.metadata.labels (selector wants app=demo-web).'],
    ['same-services.yaml', 'doc1 spec.strategy.canary.canaryService: must differ from stableService (both are "demo-stable").'],
    ['surge-unavailable-zero.yaml', 'doc1 spec.strategy.canary.maxUnavailable: maxSurge and maxUnavailable cannot both be 0: the rollout could never replace a pod.'],
    ['base-mapping-weight.yaml', 'doc2 spec.weight: a base Mapping used by Rollout "demo" must not set a weight: Kanary sets the weight on "demo-canary".'],
    ['service-selector-mismatch.yaml', 'doc2 spec.selector: selects app=other, which the pods of Rollout "demo" do not carry.'],
  ])('%s', async (fixture, expected) => {
    const path = bad(fixture);
    const { report, exitCode } = await lintPaths([path]);
    expect(exitCode).toBe(1);
    expect(report.split('\n')).toContain(`${path}:${expected}`);
    expect(report).not.toMatch(/\n\s+at /);
  });

  test('every bad fixture has a case above', () => {
    const fixtures = readdirSync(join(root, 'test/fixtures/manifests/bad')).sort();
    expect(fixtures).toHaveLength(13);
  });

  test('a missing file is one sentence and exit 1', async () => {
    const { report, exitCode } = await lintPaths(['does/not/exist.yaml']);
    expect(exitCode).toBe(1);
    expect(report).toContain('does/not/exist.yaml: file not found.\n');
  });
});

describe('kanary lint on good input', () => {
  const examples = ['canary-ambassador', 'canary-timed', 'canary-analysis'];

  test.each(examples)('examples/%s passes', async (example) => {
    const paths = [join(root, 'examples', example)];
    const templates = join(root, 'examples', 'analysis-templates');
    if (example === 'canary-analysis' && existsSync(templates)) paths.push(templates);
    const { report, exitCode } = await lintPaths(paths);
    expect(report).toMatch(/^ok: /m);
    expect(exitCode).toBe(0);
  });

  test('an argoproj.io Rollout is accepted with a note', async () => {
    const path = join(root, 'test/fixtures/manifests/good/argo-rollout.yaml');
    const { report, exitCode } = await lintPaths([path]);
    expect(exitCode).toBe(0);
    expect(report).toContain('note: argoproj.io/v1alpha1 Rollout: it runs unchanged under kanary.dev/v1alpha1');
  });

  test('the command prints the report and returns the exit code', async () => {
    const { io, out } = capture();
    const code = await lintCommand.run([join(root, 'examples', 'canary-ambassador')], io);
    expect(code).toBe(0);
    expect(out.join('')).toContain('ok: 4 documents in 3 files');
  });
});

describe('cross-document checks', () => {
  const rollout = `apiVersion: kanary.dev/v1alpha1
kind: Rollout
metadata: {name: demo}
spec:
  selector: {matchLabels: {app: demo}}
  template:
    metadata: {labels: {app: demo}}
    spec: {containers: [{name: app, image: x}]}
  strategy:
    canary:
      stableService: s
      canaryService: c
      trafficRouting: {ambassador: {mappings: [m]}}
      steps: [{analysis: {templates: [{templateName: rate}]}}]
`;
  const service = (name: string): string => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec: {selector: {app: demo}}\n`;
  const template = `apiVersion: kanary.dev/v1alpha1
kind: AnalysisTemplate
metadata: {name: rate}
spec:
  args: [{name: service-name}]
  metrics: [{name: m, provider: {prometheus: {query: up}}}]
`;

  test('missing Service, missing Mapping and a required template argument are errors', () => {
    const result = lintSources([{ name: 'a.yaml', text: [rollout, service('s'), template].join('---\n') }]);
    const lines = result.findings.filter((f) => f.severity === 'error').map((f) => `${f.path}: ${f.message}`);
    expect(lines).toContain('spec.strategy.canary.canaryService: Service "c" is not among the given files.');
    expect(lines).not.toContain('spec.strategy.canary.stableService: Service "s" is not among the given files.');
    expect(lines).toContain('spec.strategy.canary.steps[0].analysis.args: must pass "service-name", required by AnalysisTemplate "rate".');
    expect(result.findings.find((f) => f.path.endsWith('ambassador.mappings'))?.severity).toBe('warning');
  });

  test('documents of another kind get a note, not an error', () => {
    const result = lintSources([{ name: 'a.yaml', text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n' }]);
    expect(result.findings).toEqual([expect.objectContaining({ severity: 'note', message: 'apps/v1 Deployment is not checked by kanary lint.' })]);
  });

  test('a document that is not an object is an error', () => {
    const result = lintSources([{ name: 'a.yaml', text: '- just\n- a list\n' }]);
    expect(result.findings).toEqual([expect.objectContaining({ severity: 'error', doc: 1, message: 'is not a Kubernetes object (found a list).' })]);
  });
});

describe('splitYamlDocuments', () => {
  test.each([
    ['one document', 'a: 1\n', [1]],
    ['leading separator', '---\na: 1\n', [2]],
    ['three documents', 'a: 1\n---\nb: 2\n---\nc: 3\n', [1, 3, 5]],
  ])('%s', (_rule, text, startLines) => {
    expect(splitYamlDocuments(text).map((c) => c.startLine)).toEqual(startLines);
  });
});
