// `kanary restart`: the spec.restartAt it writes (whole seconds, UTC, as Argo Rollouts writes it).
import { UserError } from '../../src/cli/command.js';
import { computeRestartAt } from '../../src/cli/restart-command.js';

test('now, to the second, in UTC', () => {
  expect(computeRestartAt(undefined, new Date('2026-12-07T10:45:12.789Z'))).toBe('2026-12-07T10:45:12Z');
});

test('--at: a scheduled restart, any RFC 3339 offset normalised to UTC', () => {
  expect(computeRestartAt('2026-12-08T03:00:00+01:00', new Date())).toBe('2026-12-08T02:00:00Z');
});

test('--at that is not a time is refused by name', () => {
  expect(() => computeRestartAt('tomorrow', new Date())).toThrow(UserError);
  expect(() => computeRestartAt('tomorrow', new Date())).toThrow('restart: --at "tomorrow" is not an RFC 3339 time');
});
