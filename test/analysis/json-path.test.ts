import { selectJsonPath } from '../../src/analysis/json-path.js';

const doc = { data: { ok: true, 'a key': 5, list: [10, 20, 30], nested: [{ v: 'x' }, { v: 'y' }] } };

describe('selectJsonPath', () => {
  test.each([
    ['{$.data.ok}', true],
    ['$.data.ok', true],
    ['{ $.data.list[0] }', 10],
    ['$.data.list[-1]', 30],
    ["$.data['a key']", 5],
    ['$["data"].ok', true],
    ['$.data.nested[*].v', ['x', 'y']],
    ['$.data.list.*', [10, 20, 30]],
    ['$', doc],
  ])('%s', (path, expected) => {
    expect(selectJsonPath(doc, path)).toEqual({ ok: true, value: expected });
  });

  test.each([
    ['$.data.none', 'matched nothing'],
    ['$.data.list[7]', 'matched nothing'],
    ['$.data.constructor', 'matched nothing'],
    ['$.__proto__', 'matched nothing'],
    ['data.ok', 'must start with $'],
    ['$.data..ok', 'is not supported at "..ok"'],
    ['$.data[?(@.x)]', 'is not supported'],
  ])('%s -> %s', (path, message) => {
    const result = selectJsonPath(doc, path);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });
});
