// The demo's live screen: exactly the `get rollout` renderer's view of the watched objects, then
// the footer (traffic, where to look) and only the latest narration lines.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';
import { buildRolloutView } from '../../../src/cli/render-rollout-view.js';
import { renderRollout } from '../../../src/cli/render-rollout.js';
import type { NamespaceObjects, RolloutState } from '../../../src/cli/rollout-tree.js';
import { PLAIN_STYLE } from '../../../src/cli/terminal.js';
import { composeDemoFrame, LIVE_LOG_LINES } from '../../../src/sandbox/demo/live-view.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'render', 'paused-indefinite.state.yaml');
const { now, ...state } = yaml.load(readFileSync(fixture, 'utf8')) as RolloutState & { now: string };

function objectsOf(s: RolloutState): NamespaceObjects {
  const canaryMapping = { apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name: 'demo-canary' }, spec: { prefix: '/demo/', service: 'demo-canary:80', weight: s.canaryWeight } };
  return { rollouts: [s.rollout], replicaSets: s.replicaSets, pods: s.pods, analysisRuns: s.analysisRuns, mappings: [canaryMapping] };
}

const log = Array.from({ length: 12 }, (_, i) => `line ${i}`);
const frame = composeDemoFrame({ objects: objectsOf(state), rolloutName: 'demo', now: Date.parse(now), style: PLAIN_STYLE, footer: ['traffic: v1 90 v2 10', 'Where to look:'], log });

test('the view is the get rollout renderer\'s, from the watched objects', () => {
  const expected = renderRollout(buildRolloutView(state, Date.parse(now)), PLAIN_STYLE);
  expect(frame.startsWith(expected)).toBe(true);
  expect(expected).toContain('kanary promote');
});

test('the footer and only the latest narration lines follow the view', () => {
  const tail = frame.trimEnd().split('\n').slice(-(LIVE_LOG_LINES + 3));
  expect(tail.slice(0, 3)).toEqual(['traffic: v1 90 v2 10', 'Where to look:', '-'.repeat(60)]);
  expect(tail.slice(-LIVE_LOG_LINES)).toEqual(log.slice(-LIVE_LOG_LINES));
  expect(frame).not.toContain('line 3\n');
});

test('before the Rollout exists the screen says it is waiting', () => {
  const empty: NamespaceObjects = { rollouts: [], replicaSets: [], pods: [], analysisRuns: [], mappings: [] };
  const text = composeDemoFrame({ objects: empty, rolloutName: 'demo', now: 0, style: PLAIN_STYLE, footer: [], log: ['starting'] });
  expect(text.split('\n')[0]).toBe('waiting for rollout "demo" ...');
  expect(text.trimEnd().endsWith('starting')).toBe(true);
});
