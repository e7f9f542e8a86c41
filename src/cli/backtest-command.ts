/**
 * `kanary backtest -f TEMPLATE.yaml --prometheus URL --from TIME --to TIME`: replays an
 * AnalysisTemplate over Prometheus history through the controller's own analysis code
 * (src/analysis/backtest) and says whether, and when, it would have stopped a release.
 * Exit 0 passed throughout, 1 would have failed, 2 bad input / no data / Prometheus at fault,
 * 3 would have paused (inconclusive).
 */
import { runBacktest } from '../analysis/backtest/backtest.js';
import type { NamedTemplate } from '../analysis/build-analysis-run.js';
import type { CliIo, Command } from './command.js';
import { badInput, parseBacktestArgs } from './backtest-flags.js';
import { renderBacktestJson, renderBacktestText } from './backtest-render.js';
import { loadBacktestTemplates } from './backtest-template.js';

const USAGE = `Usage: kanary backtest -f TEMPLATE.yaml --prometheus URL
                       (--from TIME --to TIME)... | (--at TIME)... [--length DURATION]
                       [--step DURATION] [--arg NAME=VALUE]... [--timeout DURATION] [-o text|json]

Replays an AnalysisTemplate (or ClusterAnalysisTemplate; several -f files are merged as a
Rollout's templates are) over Prometheus history: each metric's query is asked at past instants
(/api/v1/query with time=) and judged by the controller's own code: conditions, count,
failureLimit, inconclusiveLimit, consecutiveErrorLimit, the 10 s retry after an error, and the
statistical judge. Prints every measurement and the first instant the analysis would have failed.

Windows (any number, any mix):
  --from TIME --to TIME   a range: runs back to back, a new one when the previous completes,
                          as if a release had started then; the last is terminated at --to
  --at TIME               a release time: one run from TIME, for at most --length (default 1h)

  --prometheus URL    the Prometheus holding the history; it replaces every metric's address
  --step DURATION     ask at this interval instead of each metric's interval (e.g. 30s, 1m)
  --arg NAME=VALUE    a template argument (as a Rollout would pass it); also the only way to
                      give a Secret-sourced one (kept secret in the output)
  --timeout DURATION  deadline of each query (default 10s, at most 60s)
  -o json             every window, run and measurement, raw values included

TIME: RFC 3339 (2026-12-05T14:00:00Z), Unix seconds, now, now-2h (or --from=-2h).

Exit code: 0 would have passed throughout, 1 would have failed (the instant is named),
3 would have paused for a person (inconclusive), 2 bad input: an invalid template, an argument
not given, --from not before --to, a window without data (never a pass), a query Prometheus
rejects, Prometheus unreachable or too slow.

Example:
  kanary backtest -f examples/analysis-templates/success-rate.yaml --prometheus http://127.0.0.1:9090 \\
    --from now-24h --to now --arg envoy-cluster=demo_canary_80
`;

/** Judged metrics whose queries hold their own increase window: --step does not move that window. */
function stepNotes(templates: readonly NamedTemplate[], stepMs: number | undefined): string[] {
  if (stepMs === undefined) return [];
  return templates.flatMap((t) => t.spec.metrics)
    .filter((m) => m.judge?.counts.counters === 'increase')
    .map((m) => `metric "${m.name}" reads increases over windows written in its queries: --step changes how often they are asked, not those windows, so intervals may overlap or leave gaps`);
}

export const backtestCommand: Command = {
  name: 'backtest',
  summary: 'Replay an AnalysisTemplate over Prometheus history: would it have stopped past releases?',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = parseBacktestArgs(argv, Math.floor(Date.now() / 1000) * 1000);
    const templates = await loadBacktestTemplates(args.files);
    for (const note of stepNotes(templates, args.stepMs)) io.stderr(`kanary: backtest: note: ${note}\n`);
    const result = await runBacktest({ templates, windows: args.windows, address: args.prometheus, stepMs: args.stepMs, timeoutSeconds: args.timeoutSeconds, args: args.args });
    if (!result.ok) throw badInput(result.problems.join('\n  '));
    io.stdout(args.output === 'json' ? renderBacktestJson(result.windows, result.exitCode) : renderBacktestText(result.windows, result.exitCode));
    for (const window of result.windows.filter((w) => w.outcome === 'badInput' || w.outcome === 'noData')) {
      io.stderr(`kanary: backtest: ${window.outcome === 'noData' ? 'no data: ' : ''}${window.message ?? 'cannot backtest'}\n`);
    }
    return result.exitCode;
  },
};
