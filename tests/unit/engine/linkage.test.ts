import { describe, expect, it } from 'vitest';
import { runProgram } from '../../../src/engine/index.ts';
import type { SourceFile } from '../../../src/engine/api.ts';

const run = (files: SourceFile[], lockdep = false) => runProgram(files, { lockdep, races: false });

describe('static symbols are per translation unit (gcc semantics)', () => {
  it('two files each with `static int count` see their own (QA F10)', () => {
    const r = run([
      { path: 'c.c', text: 'static int count = 5;\nint c_count(void) { return count; }\n' },
      { path: 'd.c', text: 'static int count = 7;\nint c_count(void);\nvoid main(void) { pr_info("d=%d c=%d\\n", count, c_count()); }\n' },
    ]);
    expect(r.diagnostics).toEqual([]);
    expect(r.text).toBe('d=7 c=5\n');
  });

  it('same-named static functions: calls, function pointers and kthreads stay in their unit; frames print the plain name', () => {
    const r = run([
      {
        path: 'a.c',
        text: `static int helper(void) { return 1; }
static int thr(void *d) { pr_info("a thr %d\\n", helper()); return 0; }
int a_run(void) { kthread_run(thr, NULL, "a"); int (*f)(void) = helper; return f(); }
`,
      },
      {
        path: 'b.c',
        text: `static int helper(void) { return 2; }
static int thr(void *d) { pr_info("b thr %d %ps\\n", helper(), thr); return 0; }
int a_run(void);
void main(void) { int (*f)(void) = &helper; pr_info("%d %d %d\\n", helper(), f(), a_run()); kthread_run(thr, NULL, "b"); msleep(1); WARN_ON(1); }
`,
      },
    ]);
    expect(r.diagnostics).toEqual([]);
    expect(r.text).toMatch(/^2 2 1\na thr 1\nb thr 2 thr\n/);
    expect(r.text).not.toContain('::');
  });

  it('two `static DEFINE_SPINLOCK(lock)` in two files are two lock classes, printed by their plain name', () => {
    const r = run(
      [
        { path: 'x.c', text: 'static DEFINE_SPINLOCK(lock);\nvoid x_lock(void) { spin_lock(&lock); }\nvoid x_unlock(void) { spin_unlock(&lock); }\n' },
        {
          path: 'y.c',
          text: `static DEFINE_SPINLOCK(lock);
void x_lock(void);
void x_unlock(void);
void main(void)
{
	x_lock(); spin_lock(&lock); spin_unlock(&lock); x_unlock();
	spin_lock(&lock); x_lock(); x_unlock(); spin_unlock(&lock);
}
`,
        },
      ],
      true,
    );
    expect(r.reports.map((x) => x.header)).toEqual(['WARNING: possible circular locking dependency detected']);
    expect(r.text).not.toContain('::');
    expect(r.text).toMatch(/\(lock\)\{/);
    expect(r.text).toMatch(/\(lock#2\)\{/);
  });
});

describe('defining macros bound at compile time', () => {
  it('DECLARE_WORK, DECLARE_TASKLET, DECLARE_TASKLET_OLD and DEFINE_RT_MUTEX work; the work map is named by the variable', () => {
    const r = run(
      [
        {
          path: 't.c',
          text: `static DEFINE_MUTEX(m);
static void wfn(struct work_struct *w) { mutex_lock(&m); pr_info("work ran\\n"); mutex_unlock(&m); }
static DECLARE_WORK(my_work, wfn);
static void tfn(struct tasklet_struct *t) { pr_info("tasklet %d\\n", t == &my_tasklet); }
static DECLARE_TASKLET(my_tasklet, tfn);
static void ofn(unsigned long d) { pr_info("old tasklet %lu\\n", d); }
static DECLARE_TASKLET_OLD(old_tasklet, ofn);
static DEFINE_RT_MUTEX(rtm);
void main(void)
{
	DECLARE_WORK(local_work, wfn);
	schedule_work(&my_work);
	flush_work(&my_work);
	schedule_work(&local_work);
	flush_work(&local_work);
	tasklet_schedule(&my_tasklet);
	tasklet_schedule(&old_tasklet);
	local_bh_disable();
	local_bh_enable();
	rt_mutex_lock(&rtm);
	rt_mutex_unlock(&rtm);
	mutex_lock(&m);
	flush_work(&my_work);
	mutex_unlock(&m);
}
`,
        },
      ],
      true,
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.text).toMatch(/^work ran\nwork ran\ntasklet 1\nold tasklet 0\n/);
    expect(r.reports.map((x) => x.header)).toEqual(['WARNING: possible circular locking dependency detected']);
    expect(r.text).toContain('main/1006 is trying to acquire lock:');
    expect(r.text).toMatch(/\(my_work\)\{\+\.\+\.\}/);
  });
});
