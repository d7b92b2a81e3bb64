/** Test helpers: parse snippets, and print ASTs compactly so precedence and shape are easy to assert. */
import type { Expr, FunctionDef, Program, Stmt, TypeNode } from '../../../src/language/ast.ts';
import { parseProgram, type ParseResult } from '../../../src/language/index.ts';

export function parse(text: string, path = 't.c'): ParseResult {
  return parseProgram([{ path, text }]);
}

/** Parse and insist on success; returns the program. */
export function ok(text: string): Program {
  const r = parse(text);
  if (!r.program) throw new Error('parse failed:\n' + r.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`).join('\n'));
  return r.program;
}

/** Messages as `line:col: message`, for compact assertions. */
export function errs(text: string): string[] {
  return parse(text).diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`);
}

export function fn(p: Program, name: string): FunctionDef {
  const f = p.decls.find((d): d is FunctionDef => d.kind === 'FunctionDef' && d.name === name);
  if (!f) throw new Error(`no function ${name}`);
  return f;
}

/** The statements of `void f(void) { <body> }`. */
export function body(src: string, prelude = ''): Stmt[] {
  return fn(ok(`${prelude}\nvoid f(void) {\n${src}\n}`), 'f').body.items;
}

/** The expression of `x = <expr>;` inside a function, printed as an s-expression. */
export function expr(src: string, prelude = ''): string {
  const items = body(`${src};`, prelude);
  const s = items[0];
  if (s.kind !== 'ExprStmt') throw new Error('not an expression statement: ' + s.kind);
  return sx(s.expr);
}

export function ty(t: TypeNode): string {
  switch (t.kind) {
    case 'IntType':
      return (t.const ? 'const ' : '') + t.name;
    case 'VoidType':
      return (t.const ? 'const ' : '') + 'void';
    case 'NamedType':
      return (t.const ? 'const ' : '') + t.name;
    case 'StructType':
      return (t.const ? 'const ' : '') + `${t.union ? 'union' : 'struct'} ${t.name ?? '<anon>'}`;
    case 'EnumType':
      return `enum ${t.name ?? '<anon>'}`;
    case 'PointerType':
      return `ptr(${ty(t.to)})${t.const ? ' const' : ''}`;
    case 'ArrayType':
      return `array(${ty(t.of)}, ${t.size ? sx(t.size) : ''})`;
    case 'FunctionType':
      return `fn(${t.params.map((p) => ty(p.type)).join(', ')}${t.variadic ? ', ...' : ''}) -> ${ty(t.ret)}`;
    case 'BitmapType':
      return `bitmap(${sx(t.bits)})`;
    case 'TypeofType':
      return `typeof(${sx(t.expr)})`;
  }
}

export function sx(e: Expr): string {
  switch (e.kind) {
    case 'IntLit':
      return e.value.toString() + (e.suffix ? e.suffix : '');
    case 'CharLit':
      return `'${e.value}'`;
    case 'StringLit':
      return JSON.stringify(e.value);
    case 'Ident':
      return e.name;
    case 'Unary':
      return `(${e.op} ${sx(e.operand)})`;
    case 'Update':
      return e.prefix ? `(pre${e.op} ${sx(e.operand)})` : `(post${e.op} ${sx(e.operand)})`;
    case 'Binary':
      return `(${e.op} ${sx(e.left)} ${sx(e.right)})`;
    case 'Assign':
      return `(${e.op} ${sx(e.target)} ${sx(e.value)})`;
    case 'Conditional':
      return `(? ${sx(e.cond)} ${e.then ? sx(e.then) : '_'} ${sx(e.else)})`;
    case 'Comma':
      return `(, ${e.exprs.map(sx).join(' ')})`;
    case 'Cast':
      return `(cast ${ty(e.type)} ${sx(e.expr)})`;
    case 'Sizeof':
      return `(sizeof ${sx(e.arg)})`;
    case 'TypeArg':
      return `<${ty(e.type)}>`;
    case 'Call':
      return `(call ${sx(e.callee)}${e.args.map((a) => ' ' + sx(a)).join('')})`;
    case 'Index':
      return `([] ${sx(e.base)} ${sx(e.index)})`;
    case 'Member':
      return `(${e.arrow ? '->' : '.'} ${sx(e.object)} ${e.field})`;
    case 'CompoundLiteral':
      return `(compound ${ty(e.type)} ${e.init.items.length})`;
    case 'StmtExpr':
      return `({ ${e.body.items.length} })`;
  }
}
