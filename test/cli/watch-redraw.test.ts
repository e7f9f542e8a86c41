import { FakeClock } from '../../src/runtime/clock.js';
import { FrameWriter, RedrawScheduler } from '../../src/cli/watch-redraw.js';

function scheduler(clock: FakeClock): { draws: number[]; s: RedrawScheduler } {
  const draws: number[] = [];
  return { draws, s: new RedrawScheduler({ clock, draw: () => draws.push(clock.now()), minIntervalMs: 200 }) };
}

describe('RedrawScheduler', () => {
  test('a burst of changes becomes one frame', () => {
    const clock = new FakeClock(1000);
    const { draws, s } = scheduler(clock);
    for (let i = 0; i < 50; i += 1) s.request();
    clock.advance(0);
    expect(draws).toEqual([1000]);
  });

  test('at most one frame per 200 ms however often changes arrive', () => {
    const clock = new FakeClock(0);
    const { draws, s } = scheduler(clock);
    for (let t = 0; t < 1000; t += 10) {
      s.request();
      clock.advance(10);
    }
    clock.advance(200);
    expect(draws).toEqual([0, 200, 400, 600, 800, 1000]);
  });

  test('a change after a quiet period draws at once; nothing after stop', () => {
    const clock = new FakeClock(0);
    const { draws, s } = scheduler(clock);
    s.request();
    clock.advance(5000);
    s.request();
    clock.advance(0);
    s.stop();
    s.request();
    clock.advance(1000);
    expect(draws).toEqual([0, 5000]);
  });
});

describe('FrameWriter', () => {
  test('on a TTY: first frame clears once, later frames overwrite in place; equal screens are skipped', () => {
    const out: string[] = [];
    const writer = new FrameWriter((t) => out.push(t), true);
    expect(writer.show('a\nb\n')).toBe(true);
    expect(writer.show('a\nb\n')).toBe(false);
    expect(writer.show('c\n')).toBe(true);
    expect(out).toEqual([
      '\u001b[2J\u001b[Ha\u001b[K\nb\u001b[K\n\u001b[J',
      '\u001b[Hc\u001b[K\n\u001b[J',
    ]);
  });

  test('not a TTY: changed screens are appended after a blank line, without escapes', () => {
    const out: string[] = [];
    const writer = new FrameWriter((t) => out.push(t), false);
    writer.show('one\n');
    writer.show('one\n');
    writer.show('two\n');
    expect(out.join('')).toBe('one\n\ntwo\n');
  });
});
