/**
 * `node dist/sandbox/edge-proxy/traffic-main.js --url URL --rps N [--duration S] [--report-every S]`
 * Sends steady traffic and prints the running tally as one JSON line per report period, then a
 * final line with `"final": true`. Stops at the duration or on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { startTrafficGenerator, type TrafficTally } from './traffic-generator.js';

const usage = 'usage: node dist/sandbox/edge-proxy/traffic-main.js --url URL --rps N [--duration S] [--report-every S]';

interface TrafficArgs {
  url: string;
  rps: number;
  durationMs?: number;
  reportEveryMs: number;
}

function positive(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} must be a positive number`);
  return value;
}

function readArgs(argv: string[]): TrafficArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      rps: { type: 'string' },
      duration: { type: 'string' },
      'report-every': { type: 'string' },
    },
    strict: true,
  });
  if (!values.url) throw new Error('--url is required');
  const rps = positive(values.rps, '--rps');
  if (rps === undefined) throw new Error('--rps is required');
  const duration = positive(values.duration, '--duration');
  return {
    url: values.url,
    rps,
    ...(duration !== undefined ? { durationMs: duration * 1000 } : {}),
    reportEveryMs: (positive(values['report-every'], '--report-every') ?? 1) * 1000,
  };
}

function print(tally: TrafficTally, final: boolean): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...tally, ...(final ? { final } : {}) })}\n`);
}

function main(): void {
  let args: TrafficArgs;
  try {
    args = readArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    process.exit(2);
  }
  const generator = startTrafficGenerator({ url: args.url, rps: args.rps, ...(args.durationMs !== undefined ? { durationMs: args.durationMs } : {}) });
  const reporter = setInterval(() => print(generator.tally(), false), args.reportEveryMs);
  const finish = (): void => {
    void generator.stop();
  };
  process.on('SIGTERM', finish);
  process.on('SIGINT', finish);
  void generator.done.then((tally) => {
    clearInterval(reporter);
    print(tally, true);
    process.exit(0);
  });
}

main();
