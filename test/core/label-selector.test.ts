import { formatLabelSelector } from '../../src/core/label-selector.js';

describe('formatLabelSelector', () => {
  test.each([
    { name: 'labels sorted', selector: { matchLabels: { tier: 'web', app: 'x' } }, expected: 'app=x,tier=web' },
    { name: 'expressions', selector: { matchExpressions: [{ key: 'env', operator: 'In' as const, values: ['b', 'a'] }, { key: 'gone', operator: 'DoesNotExist' as const }] }, expected: '!gone,env in (a,b)' },
    { name: 'empty', selector: {}, expected: '' },
  ])('$name', ({ selector, expected }) => {
    expect(formatLabelSelector(selector)).toBe(expected);
  });
});
