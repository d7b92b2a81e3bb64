import { describe, expect, it } from 'vitest';
import { run } from '../interpreter/helpers.ts';

const sitesOf = (r: ReturnType<typeof run>, i = 0) => r.reports[i]!.sites.map((s) => `${s.pos.file}:${s.pos.line}`);

describe('oopses and sanitizer reports: kernel layout, learner frames as sites', () => {
  it('a divide error prints its Oops header once', () => {
    const r = run(`void main(void) { int z = 0; pr_info("%d\\n", 5 / z); }`);
    expect(r.text.split('\n').filter((l) => l.startsWith('Oops: divide error'))).toEqual(['Oops: divide error: 0000 [#1] PREEMPT SMP']);
    expect(r.reports).toHaveLength(1);
    expect(r.reports[0]!.header).toBe('Oops: divide error: 0000 [#1] PREEMPT SMP');
    expect(r.reports[0]!.lines[1]).toMatch(/^CPU: 0 PID: 1006 Comm: main /);
  });

  it('the divide error of a helper links the helper line and every caller line', () => {
    const r = run(`static int avg(int sum, int n)
{
	return sum / n;
}
static int stats(int n)
{
	return avg(100, n);
}
void main(void)
{
	pr_info("%d\\n", stats(0));
}`);
    expect(sitesOf(r)).toEqual(['t.c:3', 't.c:7', 't.c:11']);
    expect(r.reports[0]!.sites[0]!.message).toBe('Oops: divide error: 0000 [#1] PREEMPT SMP');
    expect(r.reports[0]!.sites[1]!.message).toContain('stats()');
  });

  it('a NULL pointer dereference oops carries the learner frames of its call trace', () => {
    const r = run(`struct s { int v; };
static int get(struct s *p)
{
	return p->v;
}
void main(void)
{
	pr_info("%d\\n", get(NULL));
}`);
    expect(r.reports[0]!.header).toBe('BUG: kernel NULL pointer dereference, address: 0000000000000000');
    expect(sitesOf(r)).toEqual(['t.c:4', 't.c:8']);
  });

  it('KASAN use-after-free and UBSAN out-of-bounds reports link their call traces too', () => {
    const uaf = run(`struct s { int v; };
static int peek(struct s *p)
{
	return p->v;
}
void main(void)
{
	struct s *p = kzalloc(sizeof(*p), GFP_KERNEL);
	kfree(p);
	pr_info("%d\\n", peek(p));
}`);
    expect(uaf.reports[0]!.header).toMatch(/^BUG: KASAN: slab-use-after-free in peek\+/);
    expect(sitesOf(uaf)).toEqual(['t.c:4', 't.c:10']);

    const oob = run(`static int a[4];
static int at(int i)
{
	return a[i];
}
void main(void)
{
	pr_info("%d\\n", at(9));
}`);
    const ub = oob.reports.findIndex((x) => x.header.includes('UBSAN'));
    expect(ub).toBeGreaterThanOrEqual(0);
    expect(sitesOf(oob, ub)).toEqual(['t.c:4', 't.c:8']);
  });

  it('a WARN_ON() in a helper links the helper and its caller too', () => {
    const r = run(`static void check(int v)
{
	WARN_ON(v < 0);
}
void main(void)
{
	check(-1);
}`);
    expect(r.reports[0]!.header).toMatch(/^WARNING: CPU: 0 PID: 1006 at t\.c:3 check\+/);
    expect(sitesOf(r)).toEqual(['t.c:3', 't.c:7']);
  });
});
