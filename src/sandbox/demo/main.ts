/**
 * `npm run demo -- [options]` (scripts/demo.sh runs `node dist/sandbox/demo/main.js`). Ctrl-C stops
 * everything the demo started; a second Ctrl-C exits at once.
 */
import { homedir } from 'node:os';
import { repoRoot } from '../cluster/repo-root.js';
import { DemoAlreadyRunningError } from './demo-lock.js';
import { DEMO_USAGE, DemoUsageError, parseDemoArgs, type DemoOptions } from './demo-options.js';
import { runDemo } from './run-demo.js';

function readOptions(): DemoOptions {
  try {
    return parseDemoArgs({ argv: process.argv.slice(2), env: process.env, homeDir: homedir(), stdoutIsTty: process.stdout.isTTY === true });
  } catch (error) {
    if (error instanceof DemoUsageError) {
      process.stderr.write(`demo: ${error.message}\n${DEMO_USAGE}`);
      process.exit(2);
    }
    throw error;
  }
}

async function main(): Promise<number> {
  const options = readOptions();
  if (options.help) {
    process.stdout.write(DEMO_USAGE);
    return 0;
  }
  const interrupt = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    process.stdout.write('\ninterrupted: stopping everything (Ctrl-C again to exit at once)\n');
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await runDemo({ options, repoRoot: repoRoot(), env: process.env, signal: interrupt.signal, write: (t) => process.stdout.write(t) });
    if (interrupt.signal.aborted) return 130;
    if (result.error) process.stderr.write(`demo failed: ${result.error}\n`);
    process.stdout.write(result.ok ? 'demo: every outcome was as expected\n' : 'demo: some outcomes were NOT as expected\n');
    return result.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof DemoAlreadyRunningError) {
      process.stderr.write(`demo: ${error.message}\n`);
      return 3;
    }
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${String(error)}\n`);
    process.exit(1);
  },
);
