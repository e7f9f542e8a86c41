import { detectStyle, padVisible, paint, stripAnsi, visibleWidth } from '../../src/cli/terminal.js';

describe('detectStyle', () => {
  test.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [true, { TERM: 'dumb' }, false],
  ])('tty=%s env=%j -> colours and Unicode %s', (isTty, env, fancy) => {
    expect(detectStyle(isTty, env)).toEqual({ color: fancy, unicode: fancy });
  });
});

describe('paint and widths', () => {
  test('colour only when enabled; widths ignore escapes', () => {
    const on = paint({ color: true, unicode: true }, 'good', '✔ Healthy');
    expect(on).toBe('\u001b[32m✔ Healthy\u001b[0m');
    expect(paint({ color: false, unicode: true }, 'good', '✔ Healthy')).toBe('✔ Healthy');
    expect(stripAnsi(on)).toBe('✔ Healthy');
    expect(visibleWidth(on)).toBe(9);
    expect(stripAnsi(padVisible(on, 12))).toBe('✔ Healthy   ');
  });
});
