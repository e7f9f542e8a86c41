import { createMergePatch, jsonEqual } from '../../src/kube/merge-patch.js';

describe('createMergePatch', () => {
  test.each([
    ['equal objects', { a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }, undefined],
    ['changed scalar', { a: 1 }, { a: 2 }, { a: 2 }],
    ['removed key becomes null', { a: 1, abort: true }, { a: 1 }, { abort: null }],
    ['added key', {}, { phase: 'Paused' }, { phase: 'Paused' }],
    ['nested change keeps siblings out', { canary: { weights: { canary: { weight: 10 } }, x: 1 } }, { canary: { weights: { canary: { weight: 30 } }, x: 1 } }, { canary: { weights: { canary: { weight: 30 } } } }],
    ['arrays are replaced whole', { c: [{ type: 'A' }] }, { c: [{ type: 'A' }, { type: 'B' }] }, { c: [{ type: 'A' }, { type: 'B' }] }],
    ['object replaced by scalar', { a: { b: 1 } }, { a: 3 }, { a: 3 }],
    ['undefined in desired is a removal', { a: 1 }, { a: undefined }, { a: null }],
  ])('%s', (_name, live, desired, expected) => {
    expect(createMergePatch(live, desired)).toEqual(expected);
  });
});

describe('jsonEqual', () => {
  test.each([
    [{ a: 1, b: 2 }, { b: 2, a: 1 }, true],
    [[1, 2], [2, 1], false],
    [{ a: undefined }, {}, true],
    [{ a: null }, {}, false],
    ['1', 1, false],
  ])('%j vs %j -> %s', (a, b, expected) => {
    expect(jsonEqual(a, b)).toBe(expected);
  });
});
