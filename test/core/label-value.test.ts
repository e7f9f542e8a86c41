// Names as label values: unchanged up to 63 characters, shortened with a hash beyond.
import { buildNameLabelValue } from '../../src/core/label-value.js';

const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

test.each([1, 47, 52, 63])('a name of %i characters is its own label value', (length) => {
  const name = 'a'.repeat(length);
  expect(buildNameLabelValue(name)).toBe(name);
});

test.each([64, 100, 253])('a name of %i characters becomes a valid label value of at most 63', (length) => {
  const value = buildNameLabelValue('r'.repeat(length));
  expect(value.length).toBeLessThanOrEqual(63);
  expect(value).toMatch(labelValue);
});

test('two long names with the same first 63 characters get different values', () => {
  const prefix = 'shop-checkout-'.repeat(5);
  expect(buildNameLabelValue(`${prefix}a`)).not.toBe(buildNameLabelValue(`${prefix}b`));
});

test('a dash at the cut is not left before the hash separator', () => {
  const name = `${'a'.repeat(51)}--${'b'.repeat(20)}`;
  expect(buildNameLabelValue(name)).toMatch(/^a{51}-[a-z0-9]{10}$/);
});
