// Debounce scheduling of the editor diagnostics (src/extension/language/debounce.ts) with fake timers.
import { strict as assert } from 'node:assert';
import { KeyedDebouncer, LINT_DEBOUNCE_MS, type Timers } from '../../src/extension/language/debounce';

/** Manual clock: `advance(ms)` runs the timers that come due, in order. */
class FakeTimers implements Timers {
  now = 0;
  private next = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  set(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.now + ms, callback });
    return id;
  }

  clear(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = until;
  }
}

describe('lint editor: debounce', () => {
  it('waits ~300 ms after the last keystroke', () => {
    assert.equal(LINT_DEBOUNCE_MS, 300);
  });

  it('runs once, delay after the last schedule of a key (each keystroke restarts the wait)', () => {
    const clock = new FakeTimers();
    const debouncer = new KeyedDebouncer<string>(300, clock);
    const runs: string[] = [];
    for (let keystroke = 0; keystroke < 5; keystroke++) {
      debouncer.schedule('a.ts', () => runs.push(`a.ts@${clock.now}`));
      clock.advance(100);
    }
    assert.deepEqual(runs, []);
    assert.equal(clock.pending, 1, 'one timer per document, not one per keystroke');
    clock.advance(199);
    assert.deepEqual(runs, []);
    clock.advance(1);
    assert.deepEqual(runs, ['a.ts@700']);
    assert.equal(debouncer.size, 0);
  });

  it('keeps documents independent and uses the latest callback', () => {
    const clock = new FakeTimers();
    const debouncer = new KeyedDebouncer<string>(300, clock);
    const runs: string[] = [];
    debouncer.schedule('a', () => runs.push('a1'));
    clock.advance(200);
    debouncer.schedule('b', () => runs.push('b1'));
    debouncer.schedule('a', () => runs.push('a2'));
    clock.advance(300);
    assert.deepEqual(runs, ['b1', 'a2']);
  });

  it('cancel drops a pending run (document closed); flush runs it now (datafile reloaded)', () => {
    const clock = new FakeTimers();
    const debouncer = new KeyedDebouncer<string>(300, clock);
    const runs: string[] = [];
    debouncer.schedule('closed', () => runs.push('closed'));
    debouncer.schedule('flushed', () => runs.push('flushed'));
    debouncer.cancel('closed');
    assert.ok(!debouncer.has('closed'));
    debouncer.flush('flushed');
    assert.deepEqual(runs, ['flushed']);
    clock.advance(1_000);
    assert.deepEqual(runs, ['flushed'], 'neither runs again');
    debouncer.flush('nothing pending');
    debouncer.cancel('nothing pending');
  });

  it('dispose clears every pending timer', () => {
    const clock = new FakeTimers();
    const debouncer = new KeyedDebouncer<number>(300, clock);
    const runs: number[] = [];
    for (let i = 0; i < 10; i++) debouncer.schedule(i, () => runs.push(i));
    debouncer.dispose();
    assert.equal(clock.pending, 0);
    clock.advance(1_000);
    assert.deepEqual(runs, []);
  });
});
