// Seeded simulation: the judge's false-abort rate on releases whose canary is exactly at the
// tolerance (the hardest case of the null hypothesis) stays within a binomial bound of alpha,
// although the judge looks after every interval, traffic swings, the canary share steps from 5%
// to 50% and shared incidents hit both arms. Counts, not timings: nothing here depends on speed.
import { createSeededRandom, type RandomSource } from '../../../src/sandbox/kubelet/random.js';
import { buildJudgeConfig, type JudgeConfig } from '../../../src/core/judge/judge-config.js';
import { assessJudgeRun } from '../../../src/core/judge/judge-process.js';
import type { IntervalCounts } from '../../../src/core/judge/interval-counts.js';

/** Knuth's multiplication method, in chunks of mean 30 so exp(−mean) never underflows. */
function poisson(random: RandomSource, mean: number): number {
  let count = 0;
  let remaining = mean;
  while (remaining > 0) {
    const chunk = Math.min(remaining, 30);
    const limit = Math.exp(-chunk);
    let product = random();
    while (product > limit) {
      product *= random();
      count += 1;
    }
    remaining -= chunk;
  }
  return count;
}

const SHARES = [0.05, 0.1, 0.3, 0.5];
const INTERVALS = 60;

/** One release: 60 intervals; share 5% → 10% → 30% → 50%; diurnal swing; maybe a shared incident. */
function simulateRelease(random: RandomSource, ratio: number): IntervalCounts[] {
  const traffic = random() < 0.5 ? 1000 : 5000;
  const baseError = random() < 0.5 ? 0.002 : 0.01;
  const phase = random() * 2 * Math.PI;
  const spikeStart = random() < 0.3 ? Math.floor(random() * INTERVALS) : -1;
  return Array.from({ length: INTERVALS }, (_, i) => {
    const share = SHARES[Math.floor(i / 15)] ?? 0.5;
    const load = 1 + 0.5 * Math.sin(phase + (2 * Math.PI * i) / INTERVALS);
    const incident = i >= spikeStart && i < spikeStart + 4 ? 4 : 1;
    const canaryRequests = Math.round(traffic * load * share);
    const baselineRequests = Math.round(traffic * load * (1 - share));
    const rate = baseError * incident * (0.8 + 0.4 * random());
    return {
      canaryRequests,
      canaryErrors: Math.min(canaryRequests, poisson(random, canaryRequests * rate * ratio)),
      baselineRequests,
      baselineErrors: Math.min(baselineRequests, poisson(random, baselineRequests * rate)),
    };
  });
}

function config(overrides: Partial<JudgeConfig>): JudgeConfig {
  const result = buildJudgeConfig(overrides);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.config;
}

function abortRate(seed: number, releases: number, ratio: number, cfg: JudgeConfig): number {
  const random = createSeededRandom(seed);
  let aborted = 0;
  for (let i = 0; i < releases; i += 1) {
    if (assessJudgeRun(simulateRelease(random, ratio), cfg).verdict.outcome === 'fail') aborted += 1;
  }
  return aborted / releases;
}

const binomialBound = (alpha: number, n: number): number => alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / n);

describe('validity: false aborts stay within alpha at any number of looks', () => {
  test.each([
    ['canary exactly at the tolerance 1.1', 1.1, { alpha: 0.05, tolerance: 1.1, minEvents: 0 }],
    ['canary equal to stable, tolerance 1.0', 1.0, { alpha: 0.05, tolerance: 1.0, minEvents: 0 }],
  ] as [string, number, Partial<JudgeConfig>][])('%s: 800 seeded releases', (_name, ratio, overrides) => {
    const cfg = config(overrides);
    const rate = abortRate(17, 800, ratio, cfg);
    expect(rate).toBeLessThanOrEqual(binomialBound(cfg.alpha, 800));
  });

  test('the same simulation is not toothless: a 2x canary aborts in most releases', () => {
    expect(abortRate(23, 150, 2, config({ alpha: 0.05, tolerance: 1.1 }))).toBeGreaterThan(0.8);
  });
});
