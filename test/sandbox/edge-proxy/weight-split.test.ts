import { computeWeightSplit, pickByPercent, roundHalfEven } from '../../../src/sandbox/edge-proxy/weight-split.js';

const items = (...weights: Array<number | undefined>) => weights.map((weight, i) => ({ name: `m${i}`, weight }));

describe('computeWeightSplit (Emissary group weights)', () => {
  test.each([
    ['a lone unweighted Mapping gets everything', [undefined], [100]],
    ['a lone Mapping with weight 0 still gets everything', [0], [100]],
    ['a lone Mapping with weight 10 still gets everything', [10], [100]],
    ['base + canary at 0: canary gets nothing', [undefined, 0], [100, 0]],
    ['base + canary at 10', [undefined, 10], [90, 10]],
    ['base + canary at 50', [undefined, 50], [50, 50]],
    ['base + canary at 100: base gets nothing', [undefined, 100], [0, 100]],
    ['canary listed first changes nothing', [30, undefined], [30, 70]],
    ['two unweighted share equally', [undefined, undefined], [50, 50]],
    ['three unweighted: the last closes at 100', [undefined, undefined, undefined], [33, 33, 34]],
    ['four unweighted share 100', [undefined, undefined, undefined, undefined], [25, 25, 25, 25]],
    ['two unweighted share the remainder of 10', [10, undefined, undefined], [10, 45, 45]],
    ['Python rounding of 2.5 goes to 2', [90, undefined, undefined, undefined, undefined], [90, 2, 2, 2, 4]],
    ['weights under 100 without unweighted leave a gap', [10, 20], [10, 20]],
    ['weights summing to exactly 100', [40, 60], [40, 60]],
    ['weight 0 among weighted', [0, 100, undefined], [0, 100, 0]],
  ])('%s', (_name, weights, expected) => {
    expect(computeWeightSplit(items(...weights))).toEqual({ ok: true, percents: expected });
  });

  test.each([
    ['weights summing over 100', [60, 50]],
    ['weights summing over 100 with an unweighted Mapping', [undefined, 70, 40]],
    ['a weight over 100', [undefined, 101]],
  ])('%s is rejected', (_name, weights) => {
    const split = computeWeightSplit(items(...weights));
    expect(split.ok).toBe(false);
    expect(split.ok ? '' : split.error).toMatch(/exceeds 100|invalid weight/);
  });
});

describe('roundHalfEven', () => {
  test.each([
    [2.5, 2], [3.5, 4], [0.5, 0], [1.4, 1], [1.6, 2], [33.333, 33], [50, 50],
  ])('%p -> %p', (value, expected) => {
    expect(roundHalfEven(value)).toBe(expected);
  });
});

describe('pickByPercent', () => {
  test.each([
    [[90, 10], 0, 0],
    [[90, 10], 89.99, 0],
    [[90, 10], 90, 1],
    [[90, 10], 99.99, 1],
    [[0, 100], 0, 1],
    [[100, 0], 99.9, 0],
    [[10, 20], 35, undefined],
    [[33, 33, 34], 66, 2],
  ])('%p with draw %p -> %p', (percents, draw, expected) => {
    expect(pickByPercent(percents, draw)).toBe(expected);
  });
});
