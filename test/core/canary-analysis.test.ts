import { analysisRunBaseName, findSlotRuns } from '../../src/core/canary-analysis.js';
import type { AnalysisRunView } from '../../src/core/snapshot.js';

const slot = { rolloutName: 'web', podTemplateHash: 'h', revision: 3, stepIndex: 2 };
const run = (name: string, terminated = false): AnalysisRunView => ({ name, podTemplateHash: 'h', background: false, phase: 'Running', terminated });

describe('analysis run names', () => {
  test.each([
    { name: 'step run', slot, expected: 'web-h-3-2' },
    { name: 'background run', slot: { ...slot, stepIndex: undefined }, expected: 'web-h-3' },
  ])('$name', ({ slot: s, expected }) => {
    expect(analysisRunBaseName(s)).toBe(expected);
  });

  test.each([
    { name: 'no run yet: base name', runs: [], active: undefined, next: 'web-h-3-2' },
    { name: 'a live run decides', runs: [run('web-h-3-2')], active: 'web-h-3-2', next: 'web-h-3-2.1' },
    { name: 'a terminated run is consumed: next attempt', runs: [run('web-h-3-2', true)], active: undefined, next: 'web-h-3-2.1' },
    { name: 'latest attempt wins', runs: [run('web-h-3-2', true), run('web-h-3-2.1')], active: 'web-h-3-2.1', next: 'web-h-3-2.2' },
    { name: 'other steps and the background run are not this slot', runs: [run('web-h-3-21'), run('web-h-3'), run('web-h-3-2-x')], active: undefined, next: 'web-h-3-2' },
  ])('$name', ({ runs, active, next }) => {
    const found = findSlotRuns(runs, slot);
    expect(found.active?.name).toBe(active);
    expect(found.nextName).toBe(next);
  });
});
