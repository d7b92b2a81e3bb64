import { describe, expect, it } from 'vitest';
import { parseProgram } from '../../../src/language/index.ts';
import { DEFAULT_CONFIG_DEFINES } from '../../../src/language/preprocess.ts';
import { body, errs, expr, fn, ok, parse, sx } from './helpers.ts';

describe('preprocessor: macros', () => {
  it('substitutes object-like and function-like macros, rescanning the result', () => {
    expect(expr('x = TWICE(N)', '#define N 21\n#define TWICE(a) ((a) * 2)')).toBe('(= x (* 21 2))');
    expect(expr('x = OUTER(3)', '#define INNER(v) (v + 1)\n#define OUTER(v) INNER(v) * 2')).toBe('(= x (* (+ 3 1) 2))');
  });

  it('passes nested parentheses and commas inside arguments', () => {
    expect(expr('x = FIRST(f(a, b), c)', '#define FIRST(p, q) p')).toBe('(= x (call f a b))');
  });

  it('does not expand a macro inside its own expansion (no hang)', () => {
    expect(expr('x = foo', '#define foo foo + 1')).toBe('(= x (+ foo 1))');
    expect(expr('x = a', '#define a b\n#define b a')).toBe('(= x a)');
  });

  it('leaves a function-like macro name alone when no ( follows', () => {
    expect(expr('x = F', '#define F(a) a')).toBe('(= x F)');
  });

  it('keeps original positions: body tokens at the invocation, argument tokens where written', () => {
    const p = ok('#define ADD(a, b) ((a) + (b))\nvoid f(void)\n{\n\tx = ADD(y,\n\t\tz);\n}');
    const s = fn(p, 'f').body.items[0];
    if (s.kind !== 'ExprStmt' || s.expr.kind !== 'Assign' || s.expr.value.kind !== 'Binary') throw new Error('shape');
    const plus = s.expr.value;
    expect(plus.pos).toMatchObject({ line: 4, col: 6 }); // the '+' came from the body: reported at ADD
    expect(plus.left.pos).toMatchObject({ line: 4, col: 10 }); // y
    expect(plus.right.pos).toMatchObject({ line: 5, col: 3 }); // z
  });

  it('supports #undef and redefinition', () => {
    expect(expr('x = V', '#define V 1\n#undef V\n#define V 2')).toBe('(= x 2)');
  });

  it('supports variadic macros and the GNU comma swallowing', () => {
    const pre = '#define dbg(fmt, ...) pr_info(fmt, ##__VA_ARGS__)\n#define ALL(...) g(__VA_ARGS__)';
    expect(expr('dbg("a")', pre)).toBe('(call pr_info "a")');
    expect(expr('dbg("a %d", 1)', pre)).toBe('(call pr_info "a %d" 1)');
    expect(expr('ALL(1, 2, 3)', pre)).toBe('(call g 1 2 3)');
  });

  it('rejects # and ## in macro bodies with a precise message', () => {
    expect(errs('#define STR(x) #x\nint a;')).toEqual(["1:16: '#' in a macro body is outside the simulated subset"]);
    expect(errs('#define CAT(a, b) a ## b\nint a;')).toEqual(["1:21: '##' in a macro body is outside the simulated subset"]);
  });

  it('names the macro when an error comes out of its body', () => {
    expect(errs('#define BAD(x) (x +)\nvoid f(void)\n{\n\ty = BAD(1);\n}')).toEqual(["4:6: expected expression before ')' (in expansion of macro 'BAD')"]);
  });

  it('reports wrong macro argument counts', () => {
    expect(errs('#define F(a, b) a\nint x = F(1);')[0]).toBe("2:9: macro 'F' requires 2 arguments, but only 1 given");
  });

  it('defines __LINE__, __FILE__ and the printk level prefixes', () => {
    expect(expr('x = __LINE__')).toBe('(= x 3)');
    expect(expr('printk(KERN_INFO "hi\\n")')).toBe('(call printk "\\u00016hi\\n")');
  });

  it('defines KBUILD_MODNAME per .c file, as Kbuild does', () => {
    const r = parseProgram([{ path: 'arch/x86/kvm/vmx/posted-intr.c', text: '#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt\nchar *s = pr_fmt("hi");' }]);
    const d = r.program!.decls[0];
    expect(d.kind === 'VarDecl' && d.init && d.init.kind !== 'InitList' && sx(d.init)).toBe('"posted_intr: hi"');
  });

  it('takes defines from the options', () => {
    const r = parseProgram([{ path: 'a.c', text: 'int x = LIMIT;' }], { defines: { LIMIT: '7' } });
    const d = r.program!.decls[0];
    expect(d.kind === 'VarDecl' && d.init && d.init.kind !== 'InitList' && sx(d.init)).toBe('7');
  });
});

describe('preprocessor: conditionals', () => {
  const pick = (src: string) => {
    const items = body(src, '');
    return items.map((s) => (s.kind === 'ExprStmt' ? sx(s.expr) : s.kind));
  };

  it('handles #ifdef/#ifndef/#else/#endif', () => {
    expect(pick('#ifdef CONFIG_LOCKDEP\na();\n#else\nb();\n#endif')).toEqual(['(call a)']);
    expect(pick('#ifndef CONFIG_LOCKDEP\na();\n#else\nb();\n#endif')).toEqual(['(call b)']);
    expect(pick('#ifdef CONFIG_NOT_SET\na();\n#endif\nc();')).toEqual(['(call c)']);
  });

  it('evaluates #if with defined(), integers, operators and #elif chains', () => {
    expect(pick('#if 0\na();\n#elif defined(CONFIG_SMP) && !defined CONFIG_X\nb();\n#else\nc();\n#endif')).toEqual(['(call b)']);
    expect(pick('#if 1\na();\n#elif 1\nb();\n#endif')).toEqual(['(call a)']);
    expect(pick('#define V 3\n#if V * 2 == 6 && (V << 1) > 5\na();\n#endif')).toEqual(['(call a)']);
    expect(pick('#if UNDEFINED_NAME\na();\n#else\nb();\n#endif')).toEqual(['(call b)']);
  });

  it('skips directives inside inactive regions, nesting included', () => {
    expect(pick('#if 0\n#if 1\n#error no\n#endif\n#define Q 1\n#endif\nx = 1;')).toEqual(['(= x 1)']);
  });

  it('IS_ENABLED() in #if and in C code', () => {
    expect(pick('#if IS_ENABLED(CONFIG_LOCKDEP) && !IS_ENABLED(CONFIG_PREEMPT_RT)\na();\n#endif')).toEqual(['(call a)']);
    expect(pick('x = IS_ENABLED(CONFIG_PROVE_LOCKING) + IS_ENABLED(CONFIG_NOPE) + IS_MODULE(CONFIG_LOCKDEP);')).toEqual(['(= x (+ (+ 1 0) 0))']);
  });

  it('exposes the final CONFIG_* set, with the program overriding the defaults', () => {
    const p = ok('#define CONFIG_PREEMPT_RT 1\n#undef CONFIG_PROVE_RAW_LOCK_NESTING\nint x;');
    expect(p.config.CONFIG_PREEMPT_RT).toBe('1');
    expect(p.config.CONFIG_PROVE_RAW_LOCK_NESTING).toBeUndefined();
    expect(p.config.CONFIG_LOCKDEP).toBe(DEFAULT_CONFIG_DEFINES.CONFIG_LOCKDEP);
    expect(Object.keys(p.config).every((k) => k.startsWith('CONFIG_'))).toBe(true);
  });

  it('reports unbalanced conditionals and #error', () => {
    expect(errs('#ifdef X\nint a;')).toEqual(['1:1: unterminated conditional directive']);
    expect(errs('#endif\nint a;')).toEqual(['1:1: #endif without #if']);
    expect(errs('#else\n')).toEqual(['1:1: #else without #if']);
    expect(errs('#error stop here\n')).toEqual(['1:1: #error stop here']);
    expect(errs('#frobnicate\n')).toEqual(['1:2: invalid preprocessing directive #frobnicate']);
    expect(errs('#if 1 +\n#endif\n')).toEqual(['1:7: expected value in expression']);
  });
});

describe('preprocessor: includes', () => {
  it('resolves "x.h" among the program files, ignores <linux/...>', () => {
    const r = parseProgram([
      { path: 'drv/lock.h', text: '#define N 4\nstruct s { int v; };' },
      { path: 'drv/main.c', text: '#include <linux/spinlock.h>\n#include "lock.h"\nint arr[N];' },
    ]);
    expect(r.diagnostics).toEqual([]);
    expect(r.program!.decls.map((d) => d.kind)).toEqual(['StructDecl', 'VarDecl']);
    expect(r.program!.files).toEqual(['drv/main.c', 'drv/lock.h']);
  });

  it('does not compile headers on their own, and merges a header shared by two .c files', () => {
    const r = parseProgram([
      { path: 'a.h', text: 'struct s { int v; };\nint get(struct s *p);' },
      { path: 'a.c', text: '#include "a.h"\nint get(struct s *p) { return p->v; }' },
      { path: 'b.c', text: '#include "a.h"\nint use(struct s *p) { return get(p); }' },
    ]);
    expect(r.diagnostics).toEqual([]);
    expect(r.program!.decls.map((d) => `${d.kind}:${d.name}`)).toEqual(['StructDecl:s', 'FunctionDecl:get', 'FunctionDef:get', 'FunctionDef:use']);
  });

  it('reports a missing program header at the include', () => {
    expect(errs('#include "nope.h"\nint x;')).toEqual(['1:10: nope.h: no such file in this program']);
  });

  it('survives include cycles', () => {
    const r = parseProgram([
      { path: 'a.h', text: '#include "b.h"\nint a;' },
      { path: 'b.h', text: '#include "a.h"\nint b;' },
      { path: 'm.c', text: '#include "a.h"\nint m;' },
    ]);
    expect(r.diagnostics).toEqual([]);
    expect(r.program!.decls.map((d) => d.name)).toEqual(['b', 'a', 'm']);
  });

  it('each .c file starts with fresh macros', () => {
    const r = parseProgram([
      { path: 'a.c', text: '#define LOCAL 1\nint a = LOCAL;' },
      { path: 'b.c', text: '#ifdef LOCAL\nint wrong;\n#endif\nint b;' },
    ]);
    expect(r.program!.decls.map((d) => d.name)).toEqual(['a', 'b']);
  });

  it('positions inside a header name the header', () => {
    const r = parseProgram([
      { path: 'h.h', text: 'int x\nint y;' },
      { path: 'm.c', text: '#include "h.h"\n' },
    ]);
    expect(r.diagnostics[0]).toMatchObject({ file: 'h.h', line: 1, col: 6, message: "expected ';' at end of declaration" });
  });

  it('never throws on pathological input', () => {
    expect(() => parse('#define A A A A\n#define B(x) B(x) B(x)\nint v = A + B(B(1));')).not.toThrow();
  });
});
