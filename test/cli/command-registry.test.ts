// The verb registry loads each verb lazily; its names and summaries are the verbs' own.
import { commandRegistry } from '../../src/cli/command-registry.js';

test.each(commandRegistry().map((entry) => [entry.name, entry] as const))('%s: the loaded command has the name and summary the registry lists', async (_name, entry) => {
  const command = await entry.load();
  expect({ name: command.name, summary: command.summary }).toEqual({ name: entry.name, summary: entry.summary });
  expect(command.usage.length).toBeGreaterThan(0);
});

test('verb names are unique', () => {
  const names = commandRegistry().map((entry) => entry.name);
  expect(new Set(names).size).toBe(names.length);
});
