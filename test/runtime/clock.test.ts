import { FakeClock, createSystemClock } from '../../src/runtime/clock.js';

describe('FakeClock', () => {
  test('fires due timers in deadline order with now() at each deadline', () => {
    const clock = new FakeClock(1_000);
    const fired: Array<[string, number]> = [];
    clock.setTimer(() => fired.push(['b', clock.now()]), 200);
    clock.setTimer(() => fired.push(['a', clock.now()]), 100);
    clock.setTimer(() => fired.push(['late', clock.now()]), 500);
    clock.advance(300);
    expect(fired).toEqual([['a', 1_100], ['b', 1_200]]);
    expect(clock.now()).toBe(1_300);
    expect(clock.pendingTimers()).toBe(1);
  });

  test('a cancelled timer never fires', () => {
    const clock = new FakeClock();
    let fired = false;
    const cancel = clock.setTimer(() => { fired = true; }, 10);
    cancel();
    clock.advance(100);
    expect(fired).toBe(false);
  });

  test('timers set while firing run in the same advance when due', () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    clock.setTimer(() => {
      fired.push(clock.now());
      clock.setTimer(() => fired.push(clock.now()), 50);
    }, 100);
    clock.advance(160);
    expect(fired).toEqual([100, 150]);
  });
});

describe('system clock', () => {
  test('setTimer runs the callback and cancel prevents it', async () => {
    const clock = createSystemClock();
    const ran: string[] = [];
    const cancel = clock.setTimer(() => ran.push('cancelled'), 1);
    cancel();
    await new Promise<void>((resolve) => clock.setTimer(() => { ran.push('ran'); resolve(); }, 1));
    expect(ran).toEqual(['ran']);
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(1_000);
  });
});
