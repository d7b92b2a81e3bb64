import { describe, expect, it } from 'vitest';
import type { DiagSink } from '../../../src/language/diagnostics.ts';
import { lex, parseIntLiteral } from '../../../src/language/lexer.ts';

const run = (text: string) => {
  const sink: DiagSink = { list: [] };
  const toks = lex('t.c', text, sink);
  return { toks, diags: sink.list };
};

describe('lexer', () => {
  it('keeps 64-bit integer values exact, with suffixes', () => {
    expect(parseIntLiteral('0xffffffffffffffffULL')).toEqual({ value: 0xffffffffffffffffn, suffix: 'ull' });
    expect(parseIntLiteral('18446744073709551615')).toEqual({ value: 18446744073709551615n, suffix: '' });
    expect(parseIntLiteral('0x8000000000000000')).toEqual({ value: 1n << 63n, suffix: '' });
    expect(parseIntLiteral('1UL')).toEqual({ value: 1n, suffix: 'ul' });
    expect(parseIntLiteral('1lu')).toEqual({ value: 1n, suffix: 'ul' });
    expect(parseIntLiteral('017')).toEqual({ value: 15n, suffix: '' });
    expect(parseIntLiteral('0b101')).toEqual({ value: 5n, suffix: '' });
    expect(parseIntLiteral('0')).toEqual({ value: 0n, suffix: '' });
  });

  it('rejects floats and malformed numbers with a message', () => {
    expect(parseIntLiteral('1.5')).toBe('float');
    expect(parseIntLiteral('1e9')).toBe('float');
    expect(parseIntLiteral('09')).toBeNull();
    expect(parseIntLiteral('1uu')).toBeNull();
    const { diags } = run('x = 2.5;');
    expect(diags[0]).toMatchObject({ line: 1, col: 5, message: "floating-point constant '2.5' is outside the simulated subset" });
  });

  it('drops comments, joins continued lines and marks line starts', () => {
    const { toks } = run('a /* x\n y */ b // c\n#define X \\\n 1\n');
    expect(toks.map((t) => t.text)).toEqual(['a', 'b', '#', 'define', 'X', '1', '']);
    expect(toks.map((t) => t.bol)).toEqual([true, false, true, false, false, false, true]);
    expect(toks[1].pos).toEqual({ file: 't.c', line: 2, col: 7 });
    expect(toks[5].pos).toEqual({ file: 't.c', line: 4, col: 2 });
  });

  it('decodes string and character escapes', () => {
    const { toks } = run(`"a\\tb\\n\\x41\\101\\\\" '\\n' 'x'`);
    expect(toks[0].str).toBe('a\tb\nAA\\');
    expect(toks[1].value).toBe(10n);
    expect(toks[2].value).toBe(120n);
  });

  it('picks the longest punctuator', () => {
    const { toks } = run('a<<=b->c...d&&e');
    expect(toks.map((t) => t.text)).toEqual(['a', '<<=', 'b', '->', 'c', '...', 'd', '&&', 'e', '']);
  });

  it('reports unterminated strings, comments and stray characters with positions', () => {
    expect(run('"abc\nx').diags[0]).toMatchObject({ line: 1, col: 1, message: 'missing terminating " character' });
    expect(run('a /* never').diags[0]).toMatchObject({ line: 1, col: 3, message: 'unterminated comment' });
    expect(run('a @ b').diags[0]).toMatchObject({ line: 1, col: 3, message: "stray '@' in program" });
    expect(run("'ab'").diags[0].message).toMatch(/multi-character/);
  });

  it('reads CRLF files with the same positions as LF files', () => {
    const lf = run('int a;\n#define X \\\n 1\nint b = X;\n');
    const crlf = run('int a;\r\n#define X \\\r\n 1\r\nint b = X;\r\n');
    expect(crlf.diags).toEqual([]);
    expect(crlf.toks.map((t) => [t.text, t.pos.line, t.pos.col, t.bol])).toEqual(lf.toks.map((t) => [t.text, t.pos.line, t.pos.col, t.bol]));
  });

  it('handles a very long string literal', () => {
    const { toks, diags } = run('"' + 'x'.repeat(300000) + '"');
    expect(diags).toEqual([]);
    expect(toks[0].str!.length).toBe(300000);
  });
});
