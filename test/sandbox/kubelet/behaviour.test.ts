import { defaultBehaviour, mergeBehaviour, parseBehaviourOverride } from '../../../src/sandbox/kubelet/behaviour.js';

describe('parseBehaviourOverride', () => {
  test.each([
    ['{"errorRate":0.5,"readinessDelayMs":2000}', { errorRate: 0.5, readinessDelayMs: 2000 }],
    ['{"neverReady":true}', { neverReady: true }],
    ['{"colour":"red","version":"v9","crashAfterMs":1500}', { colour: 'red', version: 'v9', crashAfterMs: 1500 }],
    ['{"slowShare":0.1,"slowMs":900,"latencyMs":5,"jitterMs":2,"errorStatus":503}', { slowShare: 0.1, slowMs: 900, latencyMs: 5, jitterMs: 2, errorStatus: 503 }],
    ['{}', {}],
  ])('accepts %s', (text, expected) => {
    expect(parseBehaviourOverride(text)).toEqual({ ok: true, override: expected });
  });

  test.each([
    ['not json', /not JSON/],
    ['{"errorRate":1.5}', /errorRate/],
    ['{"errorRate":"high"}', /errorRate/],
    ['{"readinessDelayMs":-1}', /readinessDelayMs/],
    ['{"errorStatus":404}', /errorStatus/],
    ['{"eror":0.5}', /eror/],
    ['[1,2]', /expected object/i],
    ['null', /expected object/i],
  ])('rejects %s with a message naming the problem', (text, message) => {
    const result = parseBehaviourOverride(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});

describe('mergeBehaviour', () => {
  test('later overrides win and undefined fields keep the base', () => {
    const merged = mergeBehaviour(defaultBehaviour, { errorRate: 0.2, colour: 'blue' }, { errorRate: 0.4, version: undefined });
    expect(merged).toEqual({ ...defaultBehaviour, errorRate: 0.4, colour: 'blue' });
  });

  test('does not modify the base', () => {
    const base = { ...defaultBehaviour };
    mergeBehaviour(base, { neverReady: true });
    expect(base).toEqual(defaultBehaviour);
  });
});
