/**
 * One simulated release for the judge benchmark: 60 one-minute intervals of a canary at a fixed
 * request share, with a diurnal swing of traffic and error rate, and shared error spikes (a
 * downstream incident that adds the same error probability to both arms). Requests and errors
 * are Poisson counts; the canary's error probability is `ratio` × the baseline's outside spikes.
 */
import type { RandomSource } from '../../src/sandbox/kubelet/random.js';
import type { ArmCounts } from '../../src/core/judge/rate-ratio.js';
import { samplePoisson } from './random-counts.js';

export interface Cell {
  /** Requests per second, both arms together. */
  trafficPerSecond: number;
  /** The canary's share of requests (0..1). */
  canaryShare: number;
  /** The baseline's error probability per request. */
  baseErrorRate: number;
}

export const INTERVALS_PER_RELEASE = 60;
export const INTERVAL_SECONDS = 60;
const MINUTES_PER_DAY = 1440;
/** Traffic peaks at 1.5× and bottoms at 0.5× of the cell's rate over a day. */
const TRAFFIC_SWING = 0.5;
/** The error rate follows load: ±30% over the day. */
const ERROR_SWING = 0.3;
/** Shared incidents start at 0.5 per hour, last 2–5 minutes, add 0.5–3% errors to both arms. */
const SPIKES_PER_RELEASE = 0.5;

interface Spike {
  start: number;
  end: number;
  extraErrorRate: number;
}

function drawSpikes(random: RandomSource): Spike[] {
  const count = samplePoisson(random, SPIKES_PER_RELEASE);
  return Array.from({ length: count }, () => {
    const start = Math.floor(random() * INTERVALS_PER_RELEASE);
    return { start, end: start + 2 + Math.floor(random() * 4), extraErrorRate: 0.005 + random() * 0.025 };
  });
}

function spikeRate(spikes: readonly Spike[], minute: number): number {
  return spikes.reduce((sum, s) => (minute >= s.start && minute < s.end ? sum + s.extraErrorRate : sum), 0);
}

/** The per-interval counts of one release. */
export function simulateRelease(random: RandomSource, cell: Cell, ratio: number): ArmCounts[] {
  const startMinute = random() * MINUTES_PER_DAY;
  const spikes = drawSpikes(random);
  const out: ArmCounts[] = [];
  for (let minute = 0; minute < INTERVALS_PER_RELEASE; minute += 1) {
    const wave = Math.sin((2 * Math.PI * (startMinute + minute)) / MINUTES_PER_DAY);
    const requests = cell.trafficPerSecond * INTERVAL_SECONDS * (1 + TRAFFIC_SWING * wave);
    const baseRate = cell.baseErrorRate * (1 + ERROR_SWING * wave);
    const shared = spikeRate(spikes, minute);
    const canaryRequests = samplePoisson(random, requests * cell.canaryShare);
    const baselineRequests = samplePoisson(random, requests * (1 - cell.canaryShare));
    const canaryRate = Math.min(1, baseRate * ratio + shared);
    const baselineRate = Math.min(1, baseRate + shared);
    out.push({
      canaryRequests,
      canaryErrors: Math.min(canaryRequests, samplePoisson(random, canaryRequests * canaryRate)),
      baselineRequests,
      baselineErrors: Math.min(baselineRequests, samplePoisson(random, baselineRequests * baselineRate)),
    });
  }
  return out;
}
