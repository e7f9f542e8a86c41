/** Cancels a timer set with `Clock.setTimer`; calling it twice (or after it fired) is harmless. */
export type Cancel = () => void;

/**
 * The only way runtime code reads time or waits. Production uses the system clock; tests use
 * `FakeClock` and move time forward explicitly.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds (0 or less: on the next timer tick). */
  setTimer(fn: () => void, ms: number): Cancel;
}

export function createSystemClock(): Clock {
  return {
    now: () => Date.now(),
    setTimer: (fn, ms) => {
      const handle = setTimeout(fn, Math.max(0, ms));
      return () => clearTimeout(handle);
    },
  };
}

interface FakeTimer {
  id: number;
  dueMs: number;
  fn: () => void;
}

/**
 * A manual clock: time stands still until `advance(ms)`, which fires every timer that falls due,
 * in deadline order (ties in creation order), with `now()` equal to each timer's deadline while it
 * runs. Timers set by a firing timer fire in the same `advance` if they fall due within it.
 */
export class FakeClock implements Clock {
  private currentMs: number;
  private nextId = 1;
  private timers: FakeTimer[] = [];

  constructor(startMs = 0) {
    this.currentMs = startMs;
  }

  now(): number {
    return this.currentMs;
  }

  setTimer(fn: () => void, ms: number): Cancel {
    const timer: FakeTimer = { id: this.nextId++, dueMs: this.currentMs + Math.max(0, ms), fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t.id !== timer.id);
    };
  }

  /** Moves time forward by `ms`, firing due timers on the way. */
  advance(ms: number): void {
    const targetMs = this.currentMs + Math.max(0, ms);
    for (let timer = this.nextDue(targetMs); timer; timer = this.nextDue(targetMs)) {
      this.timers = this.timers.filter((t) => t.id !== timer.id);
      this.currentMs = timer.dueMs;
      timer.fn();
    }
    this.currentMs = targetMs;
  }

  /** How many timers are waiting to fire. */
  pendingTimers(): number {
    return this.timers.length;
  }

  private nextDue(targetMs: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const timer of this.timers) {
      if (timer.dueMs > targetMs) continue;
      if (!best || timer.dueMs < best.dueMs || (timer.dueMs === best.dueMs && timer.id < best.id)) {
        best = timer;
      }
    }
    return best;
  }
}
