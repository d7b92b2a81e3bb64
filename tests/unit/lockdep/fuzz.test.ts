/**
 * Robustness: any stream of events (however unbalanced) is handled without an
 * exception, and every report is a well-formed kernel text with structured data.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSim, fr, mkLock } from './dsl.ts';
import type { LockType } from '../../../src/events/types.ts';

const TYPES: LockType[] = ['spinlock_t', 'raw_spinlock_t', 'rwlock_t', 'mutex', 'rw_semaphore', 'local_lock_t', 'rcu', 'lockdep_map'];

const op = fc.oneof(
  fc.record({ k: fc.constant('acq' as const), l: fc.nat(5), read: fc.constantFrom(0, 1, 2), sub: fc.constantFrom(0, 0, 0, 1, 9), try: fc.boolean(), nest: fc.option(fc.nat(5)) }),
  fc.record({ k: fc.constant('rel' as const), l: fc.nat(5) }),
  fc.record({ k: fc.constantFrom('irqoff', 'irqon', 'bhoff', 'bhon', 'hin', 'hout', 'sin', 'sout', 'ret', 'exit', 'off', 'on', 'task') }),
  fc.record({ k: fc.constantFrom('init', 'free', 'down', 'setc'), l: fc.nat(5) }),
);

describe('fuzz', () => {
  for (const keepGoing of [false, true]) {
    it(`never throws on random event streams (keepGoing=${keepGoing})`, () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 80 }), fc.array(fc.constantFrom(...TYPES), { minLength: 6, maxLength: 6 }), (ops, types) => {
          const s = createSim({ keepGoing, proveRawLockNesting: ops.length % 2 === 0 });
          const locks = types.map((t, i) => mkLock(`L${i}`, t, i === 5 ? 'none' : `static:L${i}`));
          let depth = 0;
          for (const o of ops) {
            switch (o.k) {
              case 'acq':
                s.acquire(locks[o.l], { read: o.read as 0 | 1 | 2, subclass: o.sub, trylock: o.try, nest: o.nest === null ? undefined : locks[o.nest], api: 'spin_lock' });
                break;
              case 'rel':
                s.release(locks[o.l]);
                break;
              case 'irqoff': s.irqDisable(); break;
              case 'irqon': s.irqEnable(); break;
              case 'bhoff': s.bhDisable(); break;
              case 'bhon': s.bhEnable(); break;
              case 'hin': if (depth < 3) (depth++, s.HARDIRQ_ENTER()); break;
              case 'hout': if (depth > 0) (depth--, s.HARDIRQ_EXIT()); break;
              case 'sin': s.SOFTIRQ_ENTER(); break;
              case 'sout': s.SOFTIRQ_EXIT(); break;
              case 'ret': s.returnToUser(); break;
              case 'exit': s.taskExit(); break;
              case 'off': s.emit({ kind: 'lockdep_off', ctx: s.ctx() }); break;
              case 'on': s.emit({ kind: 'lockdep_on', ctx: s.ctx() }); break;
              case 'task': s.switchTo({ pid: s.task.pid === 1 ? 2 : 1, comm: 'fuzz' }, s.cpu === 0 ? 1 : 0); break;
              case 'init': s.init(locks[o.l]); break;
              case 'free': s.call(fr('kfree_site', 3), () => s.free(locks[o.l].addr, locks[o.l].addr + 8n)); break;
              case 'down': s.downgrade(locks[o.l]); break;
              case 'setc': s.setClass(locks[o.l], `key:k${o.l}`, `k${o.l}`, o.l % 2); break;
            }
          }
          if (!keepGoing) expect(s.reports.length).toBeLessThanOrEqual(1);
          for (const r of s.reports) {
            expect(r.lines.length).toBeGreaterThan(2);
            expect(r.header.length).toBeGreaterThan(0);
            expect(r.lines.every((l) => typeof l === 'string' && !l.includes('undefined') && !l.includes('NaN'))).toBe(true);
          }
          s.lockdep.graph();
          s.lockdep.heldLocksLines(s.task);
        }),
        { numRuns: 400, seed: 42 },
      );
    });
  }
});
