import { createLogger, formatLogLine, isLogLevel, type LogLevel } from '../../src/telemetry/logger.js';

function capture(level?: LogLevel) {
  const lines: string[] = [];
  const logger = createLogger({ level, sink: (l) => lines.push(l), now: () => Date.UTC(2024, 0, 2, 3, 4, 5) });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logger', () => {
  test('writes one JSON object per line with level, time, msg and fields', () => {
    const { logger, lines, records } = capture();
    logger.info('scaled', { replicas: 3 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(records()[0]).toEqual({ level: 'info', time: '2024-01-02T03:04:05.000Z', msg: 'scaled', replicas: 3 });
  });

  test.each<[LogLevel, string[]]>([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ])('level %s keeps %j', (level, expected) => {
    const { logger, records } = capture(level);
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(records().map((r) => r.level)).toEqual(expected);
    expect(logger.isLevelEnabled('debug')).toBe(level === 'debug');
  });

  test('child loggers bind fields to every line and nest', () => {
    const { logger, records } = capture();
    const child = logger.child({ rollout: 'web', namespace: 'shop' });
    child.child({ revision: 2 }).info('step completed', { step: 1 });
    child.warn('paused');
    logger.info('plain');
    expect(records()).toEqual([
      expect.objectContaining({ rollout: 'web', namespace: 'shop', revision: 2, step: 1, msg: 'step completed' }),
      expect.objectContaining({ rollout: 'web', namespace: 'shop', msg: 'paused', level: 'warn' }),
      { level: 'info', time: '2024-01-02T03:04:05.000Z', msg: 'plain' },
    ]);
  });

  test('child loggers keep the parent level filter', () => {
    const { logger, lines } = capture('warn');
    logger.child({ a: 1 }).info('dropped');
    expect(lines).toEqual([]);
  });

  test('errors, bigints and cycles are serialisable; reserved keys cannot be overridden', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    const line = formatLogLine('error', 0, 'failed', {
      error: new TypeError('bad thing'), big: 10n, cyclic, msg: 'spoofed', level: 'debug',
    });
    const record = JSON.parse(line) as { msg: string; level: string; error: unknown; big: string; cyclic: unknown };
    expect(record.msg).toBe('failed');
    expect(record.level).toBe('error');
    expect(record.error).toEqual(expect.objectContaining({ name: 'TypeError', message: 'bad thing' }));
    expect(record.big).toBe('10');
    expect(record.cyclic).toEqual({ name: 'x', self: '[Circular]' });
  });

  test.each([['info', true], ['debug', true], ['verbose', false], ['', false]])('isLogLevel(%p) = %p', (v, ok) => {
    expect(isLogLevel(v)).toBe(ok);
  });
});
