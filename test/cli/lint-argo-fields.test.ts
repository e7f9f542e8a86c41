// `kanary lint` names each Argo Rollouts field Kanary does not implement with the same hint the
// controller puts in InvalidSpec (src/api/argo-fields.ts), in Rollouts and in AnalysisTemplates.
import { describeArgoField, findArgoFieldHint } from '../../src/api/argo-fields.js';
import { lintSources } from '../../src/cli/lint-report.js';

const TEXT = `apiVersion: kanary.dev/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: x}]}
  strategy:
    canary:
      canaryMetadata: {labels: {role: canary}}
      pingPong: {pingService: a, pongService: b}
      frobnicate: yes
      steps:
      - setWeight: 10
      - experiment: {duration: 5m}
---
apiVersion: kanary.dev/v1alpha1
kind: AnalysisTemplate
metadata: {name: rate}
spec:
  ttlStrategy: {secondsAfterCompletion: 60}
  metrics:
  - name: rate
    count: 1
    successCondition: result[0] > 0.9
    provider:
      prometheus: {query: up, insecure: true}
`;

function expected(doc: number, path: string): string {
  const hint = findArgoFieldHint(path);
  if (!hint) throw new Error(`no hint for ${path}`);
  return `doc${doc} ${path}: ${describeArgoField(hint)}`;
}

test('each Argo field of a Rollout and an AnalysisTemplate is an error with its hint; an unknown one stays "unknown field"', () => {
  const result = lintSources([{ name: 'a.yaml', text: TEXT }]);
  const errors = result.findings.filter((f) => f.severity === 'error').map((f) => `doc${f.doc ?? 0} ${f.path}: ${f.message}`);
  expect(errors).toEqual(expect.arrayContaining([
    expected(1, 'spec.strategy.canary.pingPong'),
    expected(1, 'spec.strategy.canary.steps[1].experiment'),
    expected(2, 'spec.ttlStrategy'),
    expected(2, 'spec.metrics[0].provider.prometheus.insecure'),
  ]));
  expect(errors.find((l) => l.startsWith('doc1 spec.strategy.canary.frobnicate:'))).toMatch(/: unknown field \(known fields: /);
  expect(errors).toHaveLength(5);
});
