// Issue 22: `kanary lint` on blue/green Rollouts: the strategy's problems by field, and the
// cross-document checks of its Services and promotion analysis templates.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintPaths } from '../../src/cli/lint-command.js';
import { lintSources } from '../../src/cli/lint-report.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function rollout(blueGreen: string): string {
  return `apiVersion: kanary.dev/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web:1}]}
  strategy:
    blueGreen: ${blueGreen}
`;
}

const service = (name: string, app = 'web'): string => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec: {selector: {app: ${app}}}\n`;
const template = `apiVersion: kanary.dev/v1alpha1
kind: AnalysisTemplate
metadata: {name: smoke}
spec:
  args: [{name: host}]
  metrics: [{name: m, interval: 10s, count: 1, successCondition: "result == true", provider: {web: {url: "http://{{args.host}}/ok"}}}]
`;

function errors(text: string): string[] {
  return lintSources([{ name: 'a.yaml', text }]).findings.filter((f) => f.severity === 'error').map((f) => `${f.path}: ${f.message}`);
}

test('examples/blue-green lints clean', async () => {
  const { report, exitCode } = await lintPaths([join(root, 'examples/blue-green')]);
  expect(report).toBe('ok: 5 documents in 3 files, no problems.\n');
  expect(exitCode).toBe(0);
});

test('a missing preview Service, a Service selecting other pods, a missing template and a required arg are errors', () => {
  const text = [rollout('{activeService: web-active, previewService: web-preview, prePromotionAnalysis: {templates: [{templateName: smoke}]}, postPromotionAnalysis: {templates: [{templateName: gone}]}}'), service('web-active', 'other'), template].join('---\n');
  expect(errors(text)).toEqual(expect.arrayContaining([
    'spec.strategy.blueGreen.previewService: Service "web-preview" is not among the given files.',
    'spec.selector: selects app=other, which the pods of Rollout "web" do not carry.',
    'spec.strategy.blueGreen.prePromotionAnalysis.args: must pass "host", required by AnalysisTemplate "smoke".',
    'spec.strategy.blueGreen.postPromotionAnalysis.templates[0]: AnalysisTemplate "gone" is not among the given files.',
  ]));
});

test('the strategy rules are reported by field, as the controller reports them', () => {
  expect(errors(rollout('{activeService: web, previewService: web, previewReplicaCount: 3}'))).toEqual(expect.arrayContaining([
    'spec.strategy.blueGreen.previewService: must differ from activeService (both are "web").',
    'spec.strategy.blueGreen.previewReplicaCount: is 3, more than spec.replicas (2).',
  ]));
});
