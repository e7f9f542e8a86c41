/**
 * Redraw pacing and in-place frames for the `-w` watches: many changes in a burst become one
 * frame, frames come at most every `minIntervalMs` (200 ms: ~5 per second), an unchanged screen is
 * not written again. On a TTY each frame overwrites the previous one in place (cursor home, clear
 * to end of line, clear below: no blanking, so no flicker); elsewhere each changed frame is
 * appended after a blank line.
 */
import type { Cancel, Clock } from '../runtime/clock.js';
import { buildFrame } from './terminal.js';

export const DEFAULT_MIN_REDRAW_INTERVAL_MS = 200;

export interface RedrawSchedulerOptions {
  clock: Clock;
  draw: () => void;
  minIntervalMs?: number;
}

/** Coalesces redraw requests; the draw runs on a timer, never inside the caller. */
export class RedrawScheduler {
  private readonly clock: Clock;
  private readonly draw: () => void;
  private readonly minIntervalMs: number;
  private lastDrawMs = Number.NEGATIVE_INFINITY;
  private pending: Cancel | undefined;
  private stopped = false;

  constructor(options: RedrawSchedulerOptions) {
    this.clock = options.clock;
    this.draw = options.draw;
    this.minIntervalMs = options.minIntervalMs ?? DEFAULT_MIN_REDRAW_INTERVAL_MS;
  }

  /** Asks for a frame: at the earliest `minIntervalMs` after the previous one. */
  request(): void {
    if (this.pending || this.stopped) return;
    const waitMs = Math.max(0, this.lastDrawMs + this.minIntervalMs - this.clock.now());
    this.pending = this.clock.setTimer(() => {
      this.pending = undefined;
      if (this.stopped) return;
      this.lastDrawMs = this.clock.now();
      this.draw();
    }, waitMs);
  }

  stop(): void {
    this.stopped = true;
    this.pending?.();
    this.pending = undefined;
  }
}

/** Writes screens: in place on a TTY, appended otherwise; skips a screen equal to the last one. */
export class FrameWriter {
  private last: string | undefined;

  constructor(private readonly write: (text: string) => void, private readonly inPlace: boolean) {}

  show(text: string): boolean {
    if (text === this.last) return false;
    const first = this.last === undefined;
    this.last = text;
    if (this.inPlace) this.write(buildFrame(text, first));
    else this.write(first ? text : `\n${text}`);
    return true;
  }
}
