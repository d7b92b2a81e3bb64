/**
 * The seed functions parse essentially as written (issue 2): the post-patch
 * vgic fold path (seed 002), klist-style insertion and iteration (seed 001),
 * and the VMX posted-interrupt wakeup code (seed 000), each with its helpers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Program, Stmt } from '../../../src/language/ast.ts';
import { checkProgram, parseProgram } from '../../../src/language/index.ts';
import { fn } from './helpers.ts';

const dir = new URL('./fixtures/', import.meta.url);
const load = (...paths: string[]) => paths.map((path) => ({ path, text: readFileSync(new URL(path, dir), 'utf8') }));

/** The kernel names these programs use: what the runtime is expected to provide. */
const KERNEL_API = new Set(
  (
    'NULL true false current GFP_KERNEL EBUSY ' +
    'spin_lock spin_unlock spin_lock_irqsave spin_unlock_irqrestore spin_lock_init raw_spin_lock raw_spin_unlock raw_spin_lock_init ' +
    'local_irq_save local_irq_restore local_irq_disable local_irq_enable irqs_disabled hardirq_enter hardirq_exit ' +
    'lockdep_assert_held INIT_LIST_HEAD list_add_tail list_del container_of per_cpu this_cpu_ptr smp_processor_id ' +
    'kref_init kref_get kref_put refcount_dec_and_test atomic_dec_if_positive kzalloc strcmp likely unlikely ' +
    'READ_ONCE WARN WARN_ON BUG_ON printk pr_info ARRAY_SIZE BIT_ULL GENMASK GENMASK_ULL FIELD_GET __set_bit bitmap_zero ' +
    'smp_mb__after_atomic wake_up_process'
  ).split(' '),
);

function parseClean(...paths: string[]): Program {
  const files = load(...paths);
  const r = parseProgram(files);
  expect(r.diagnostics).toEqual([]);
  expect(checkProgram(r.program!, { builtins: KERNEL_API })).toEqual([]);
  return r.program!;
}

function kinds(items: Stmt[]): string[] {
  return items.map((s) => s.kind);
}

function find(items: Stmt[], kind: Stmt['kind']): Stmt[] {
  const out: Stmt[] = [];
  const walk = (s: Stmt) => {
    if (s.kind === kind) out.push(s);
    if (s.kind === 'Block') s.items.forEach(walk);
    if (s.kind === 'If') {
      walk(s.then);
      if (s.else) walk(s.else);
    }
    if (s.kind === 'While' || s.kind === 'DoWhile' || s.kind === 'For' || s.kind === 'ForEach' || s.kind === 'ScopedGuard' || s.kind === 'Switch') walk(s.body);
    if (s.kind === 'Labeled') walk(s.stmt);
  };
  items.forEach(walk);
  return out;
}

describe('seed 002: vgic fold state after the ap_list_lock patch', () => {
  const p = parseClean('vgic/vgic.h', 'vgic/vgic-v3.c', 'vgic/vgic.c');

  it('vgic_v3_fold_lr_state() has the lockdep assertion, the for loop, the continue-walk and the done label', () => {
    const f = fn(p, 'vgic_v3_fold_lr_state');
    expect(f.body.items.map((s) => s.kind)).toEqual(['DeclStmt', 'DeclStmt', 'DeclStmt', 'DeclStmt', 'DeclStmt', 'DeclStmt', 'ExprStmt', 'ExprStmt', 'For', 'If', 'ForEach', 'Labeled', 'ExprStmt', 'Return']);
    const walk = find(f.body.items, 'ForEach')[0];
    expect(walk.kind === 'ForEach' && walk.macro).toBe('list_for_each_entry_continue');
    expect(walk.pos).toMatchObject({ file: 'vgic/vgic-v3.c', line: 85, col: 2 });
  });

  it('vgic_fold_state() has DECLARE_BITMAP, scoped_guard over the ap_list_lock and for_each_set_bit', () => {
    const f = fn(p, 'vgic_fold_state');
    expect(kinds(f.body.items)).toEqual(['DeclStmt', 'DeclStmt', 'DeclStmt', 'DeclStmt', 'If', 'If', 'ExprStmt', 'ScopedGuard', 'If', 'ForEach']);
    const bm = f.body.items[1];
    expect(bm.kind === 'DeclStmt' && bm.decls[0].type.kind).toBe('BitmapType');
    const g = f.body.items[7];
    expect(g.kind === 'ScopedGuard' && g.guardType).toBe('raw_spinlock');
    const fe = f.body.items[9];
    expect(fe.kind === 'ForEach' && fe.macro).toBe('for_each_set_bit');
  });

  it('the header shared by both .c files contributes its declarations once', () => {
    expect(p.decls.filter((d) => d.kind === 'StructDecl' && d.name === 'vgic_irq')).toHaveLength(1);
    expect(p.decls.filter((d) => d.kind === 'FunctionDef' && d.name === 'vgic_irq_is_sgi')).toHaveLength(1);
  });

  it('BIT_ULL(63) masks reach the parser as calls with exact operands', () => {
    const f = fn(p, 'lr_signals_eoi_mi');
    const ret = f.body.items[0];
    expect(ret.kind).toBe('Return');
    // ICH_LR_HW expands to BIT_ULL(61); its position is where the macro was used (line 12).
    expect(JSON.stringify(ret, (_, v) => (typeof v === 'bigint' ? v.toString() : v))).toContain('"name":"BIT_ULL"');
  });
});

describe('seed 001: klist insertion and iteration', () => {
  const p = parseClean('klist.c');

  it('klist_add_tail() and klist_next() are there, with spin_lock_irqsave in klist_next()', () => {
    expect(fn(p, 'klist_add_tail').params.map((x) => x.name)).toEqual(['n', 'k']);
    const next = fn(p, 'klist_next');
    expect(kinds(next.body.items)).toEqual(['DeclStmt', 'DeclStmt', 'DeclStmt', 'DeclStmt', 'ExprStmt', 'If', 'ExprStmt', 'While', 'ExprStmt', 'If', 'Return']);
  });

  it('function pointer fields and locals parse as pointers to functions', () => {
    const next = fn(p, 'klist_next');
    const put = next.body.items[0];
    expect(put.kind === 'DeclStmt' && put.decls[0].type.kind === 'PointerType' && put.decls[0].type.to.kind).toBe('FunctionType');
  });
});

describe('seed 000: VMX posted-interrupt wakeup', () => {
  const p = parseClean('posted_intr.c');

  it('per-CPU list and raw spinlock definitions', () => {
    const v = p.decls.filter((d) => d.kind === 'VarDecl' && d.perCpu);
    expect(v.map((d) => d.name)).toEqual(['wakeup_vcpus_on_cpu', 'wakeup_vcpus_on_cpu_lock']);
  });

  it('vmx_vcpu_pi_load() keeps its goto/label structure and do/while retry loop', () => {
    const f = fn(p, 'vmx_vcpu_pi_load');
    expect(kinds(f.body.items)).toEqual(['DeclStmt', 'DeclStmt', 'DeclStmt', 'DeclStmt', 'DeclStmt', 'If', 'If', 'ExprStmt', 'If', 'ExprStmt', 'If', 'ExprStmt', 'DoWhile', 'ExprStmt', 'Labeled', 'If']);
  });

  it('pi_enable_wakeup_handler() takes the per-CPU lock with IRQs saved', () => {
    const f = fn(p, 'pi_enable_wakeup_handler');
    expect(kinds(f.body.items)).toEqual(['DeclStmt', 'DeclStmt', 'DeclStmt', 'DeclStmt', 'ExprStmt', 'ExprStmt', 'ExprStmt', 'ExprStmt', 'ExprStmt', 'ExprStmt', 'DoWhile', 'If', 'ExprStmt']);
  });
});
