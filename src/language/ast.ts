/**
 * The AST of the simulated kernel-C subset: what the parser produces and the
 * interpreter consumes. Plain data, discriminated by `kind`; no classes.
 *
 * Stability contract: the interpreter is written against this file, so
 * changes are additive only (new optional fields, new union members).
 *
 * Positions: every node has `pos`, the ORIGINAL source position of its first
 * token (1-based line/col). Tokens produced by a macro body carry the position
 * of the macro's invocation, so diagnostics and backtraces point at what the
 * learner wrote. Nodes that span lines (blocks, functions) also carry `end`,
 * the position of their closing token.
 */
import type { SourcePos } from '../events/types.ts';

export type { SourcePos };

// ---------------------------------------------------------------------------
// Types

/**
 * Integer types, C keywords and the kernel's fixed-width typedefs alike.
 * `name` is canonical: `int`, `unsigned int`, `long`, `unsigned long`,
 * `long long`, `unsigned long long`, `short`, `unsigned short`, `char`,
 * `signed char`, `unsigned char`, `bool`, or the kernel typedef as written
 * (`u8`..`u64`, `s8`..`s64`, `size_t`, `ssize_t`, `uintptr_t`, `phys_addr_t`,
 * `gfp_t`, `pid_t`, `__u32`...). LP64 sizes: long and pointers are 64 bits.
 */
export interface IntType {
  kind: 'IntType';
  pos: SourcePos;
  name: string;
  bits: 8 | 16 | 32 | 64;
  signed: boolean;
  const?: boolean;
  volatile?: boolean;
}

export interface VoidType {
  kind: 'VoidType';
  pos: SourcePos;
  const?: boolean;
}

/**
 * A typedef name that is not an integer: a program's own typedef, or one of
 * the kernel's opaque object types the runtime implements: `spinlock_t`,
 * `raw_spinlock_t`, `rwlock_t`, `atomic_t`, `atomic64_t`, `refcount_t`,
 * `local_lock_t`, `seqlock_t`, `seqcount_t`, `wait_queue_head_t`, `cpumask_t`...
 * (see KERNEL_TYPEDEFS in ./builtin-types.ts).
 */
export interface NamedType {
  kind: 'NamedType';
  pos: SourcePos;
  name: string;
  const?: boolean;
  volatile?: boolean;
}

/**
 * `struct NAME` (or `union NAME`). Kernel structs the runtime knows
 * (`struct mutex`, `struct rw_semaphore`, `struct list_head`, `struct hlist_head`,
 * `struct hlist_node`, `struct lockdep_map`, `struct lock_class_key`,
 * `struct rcu_head`, `struct task_struct`, `struct work_struct`, ...) are plain
 * StructTypes with no `def`; the runtime recognises them by name.
 * `def` is present when the struct is defined right here (`struct foo { ... } x;`
 * or an anonymous nested struct); the same definition is also emitted as a
 * StructDecl when it is named and at file scope.
 */
export interface StructType {
  kind: 'StructType';
  pos: SourcePos;
  /** null for an anonymous struct/union (then `def` is present). */
  name: string | null;
  union: boolean;
  def?: StructDecl;
  const?: boolean;
  volatile?: boolean;
}

export interface EnumType {
  kind: 'EnumType';
  pos: SourcePos;
  name: string | null;
  def?: EnumDecl;
  const?: boolean;
}

export interface PointerType {
  kind: 'PointerType';
  pos: SourcePos;
  to: TypeNode;
  /** `int *const p`: the pointer itself is const. */
  const?: boolean;
  volatile?: boolean;
}

export interface ArrayType {
  kind: 'ArrayType';
  pos: SourcePos;
  of: TypeNode;
  /** null for `[]` (size taken from the initializer, or a flexible array member). */
  size: Expr | null;
}

/** A function type: in function pointers (`void (*fn)(struct work_struct *)`) and prototypes. */
export interface FunctionType {
  kind: 'FunctionType';
  pos: SourcePos;
  ret: TypeNode;
  params: Param[];
  /** Only for prototypes of builtins (`int printk(const char *fmt, ...)`); variadic definitions are rejected. */
  variadic: boolean;
}

/**
 * `DECLARE_BITMAP(name, bits)`: an `unsigned long name[BITS_TO_LONGS(bits)]`
 * kept distinct so the runtime knows the bit count.
 */
export interface BitmapType {
  kind: 'BitmapType';
  pos: SourcePos;
  bits: Expr;
}

/** `typeof(expr)` / `__typeof__(expr)` used as a type. */
export interface TypeofType {
  kind: 'TypeofType';
  pos: SourcePos;
  expr: Expr;
}

export type TypeNode =
  | IntType
  | VoidType
  | NamedType
  | StructType
  | EnumType
  | PointerType
  | ArrayType
  | FunctionType
  | BitmapType
  | TypeofType;

export interface Param {
  kind: 'Param';
  pos: SourcePos;
  /** null in prototypes that omit the name (`void f(int);`). */
  name: string | null;
  type: TypeNode;
}

// ---------------------------------------------------------------------------
// Declarations

/** Storage classes and function specifiers kept because they change meaning; other attributes are dropped. */
export interface Storage {
  static?: boolean;
  extern?: boolean;
  inline?: boolean;
}

/**
 * Kernel macros that define an object with a static initializer. The variable
 * is a VarDecl whose `type` is the implied type and whose `define` names the
 * macro, so the runtime can key its lock class as the kernel does (static
 * definition = own class).
 *   DEFINE_SPINLOCK(x)      -> spinlock_t x
 *   DEFINE_RAW_SPINLOCK(x)  -> raw_spinlock_t x
 *   DEFINE_RWLOCK(x)        -> rwlock_t x
 *   DEFINE_MUTEX(x)         -> struct mutex x
 *   DECLARE_RWSEM(x)        -> struct rw_semaphore x
 *   LIST_HEAD(x)            -> struct list_head x (initialised empty)
 *   HLIST_HEAD(x)           -> struct hlist_head x
 *   DEFINE_PER_CPU(T, x)    -> T x, with perCpu = true
 *   DECLARE_PER_CPU(T, x)   -> extern declaration of the above
 *   DECLARE_BITMAP(x, n)    -> BitmapType x (zeroed)
 *   DECLARE_WAIT_QUEUE_HEAD(x) -> wait_queue_head_t x
 *   DEFINE_RT_MUTEX(x)      -> struct rt_mutex x
 *   DECLARE_WORK(w, fn)     -> struct work_struct w, defineArgs [fn] (INIT_WORK(&w, fn) done statically)
 *   DECLARE_TASKLET(t, fn)  -> struct tasklet_struct t, defineArgs [fn] (fn takes struct tasklet_struct *)
 *   DECLARE_TASKLET_OLD(t, fn) -> as above, fn takes unsigned long (data 0)
 *   DEFINE_IDA / DEFINE_XARRAY are not in the subset.
 */
export type DefineMacro =
  | 'DEFINE_SPINLOCK'
  | 'DEFINE_RAW_SPINLOCK'
  | 'DEFINE_RWLOCK'
  | 'DEFINE_MUTEX'
  | 'DECLARE_RWSEM'
  | 'LIST_HEAD'
  | 'HLIST_HEAD'
  | 'DEFINE_PER_CPU'
  | 'DECLARE_PER_CPU'
  | 'DECLARE_BITMAP'
  | 'DECLARE_WAIT_QUEUE_HEAD'
  | 'DEFINE_RT_MUTEX'
  | 'DECLARE_WORK'
  | 'DECLARE_TASKLET'
  | 'DECLARE_TASKLET_OLD';

export type Linkage = 'internal' | 'external';

/** A variable: global, local, or a struct lock/list defined by macro. */
export interface VarDecl {
  kind: 'VarDecl';
  /** Position of the variable's name. */
  pos: SourcePos;
  name: string;
  type: TypeNode;
  init: Initializer | null;
  storage: Storage;
  /** Set when the variable comes from a defining macro (DEFINE_SPINLOCK ...). */
  define?: DefineMacro;
  /** DEFINE_PER_CPU / DECLARE_PER_CPU: one instance per simulated CPU. */
  perCpu?: boolean;
  /**
   * Arguments of the defining macro after the name: DECLARE_WORK(w, fn) and
   * DECLARE_TASKLET(t, fn) / DECLARE_TASKLET_OLD(t, fn) -> [fn].
   */
  defineArgs?: Expr[];
  /**
   * Linkage (file-scope declarations only; set by parseProgram). `internal`:
   * declared `static` in its translation unit's own .c file, so private to
   * that unit; everything else is `external` (one program-wide symbol).
   */
  linkage?: Linkage;
  /** The translation unit (its .c path) this file-scope declaration was read in. */
  unit?: string;
  /**
   * Program-wide unique key of the symbol: `name`, except for an internal
   * symbol whose name another unit also uses (its own static, or an external
   * symbol): `unit + '::' + name`. Key functions/globals by this; print `name`.
   */
  linkName?: string;
}

/** A function definition with a body. */
export interface FunctionDef {
  kind: 'FunctionDef';
  /** Position of the function's name. */
  pos: SourcePos;
  name: string;
  ret: TypeNode;
  params: Param[];
  body: Block;
  storage: Storage;
  /** Attributes seen and accepted (`__must_check`, `noinline`, `__init`), for tooling; no semantics. */
  attrs: string[];
  /** Position of the first token of the definition (return type / `static`). */
  start: SourcePos;
  /** Position of the closing `}`. */
  end: SourcePos;
  /**
   * Linkage (file-scope declarations only; set by parseProgram). `internal`:
   * declared `static` in its translation unit's own .c file, so private to
   * that unit; everything else is `external` (one program-wide symbol).
   */
  linkage?: Linkage;
  /** The translation unit (its .c path) this file-scope declaration was read in. */
  unit?: string;
  /**
   * Program-wide unique key of the symbol: `name`, except for an internal
   * symbol whose name another unit also uses (its own static, or an external
   * symbol): `unit + '::' + name`. Key functions/globals by this; print `name`.
   */
  linkName?: string;
}

/** A prototype (`bool vgic_put_irq_norelease(struct kvm *kvm, struct vgic_irq *irq);`). */
export interface FunctionDecl {
  kind: 'FunctionDecl';
  pos: SourcePos;
  name: string;
  ret: TypeNode;
  params: Param[];
  variadic: boolean;
  storage: Storage;
  attrs: string[];
  /**
   * Linkage (file-scope declarations only; set by parseProgram). `internal`:
   * declared `static` in its translation unit's own .c file, so private to
   * that unit; everything else is `external` (one program-wide symbol).
   */
  linkage?: Linkage;
  /** The translation unit (its .c path) this file-scope declaration was read in. */
  unit?: string;
  /**
   * Program-wide unique key of the symbol: `name`, except for an internal
   * symbol whose name another unit also uses (its own static, or an external
   * symbol): `unit + '::' + name`. Key functions/globals by this; print `name`.
   */
  linkName?: string;
}

export interface Field {
  kind: 'Field';
  pos: SourcePos;
  /** null for an anonymous struct/union member (its fields are reachable directly). */
  name: string | null;
  type: TypeNode;
}

/** `struct NAME { fields };` (also `union`). A forward declaration `struct foo;` has fields = null. */
export interface StructDecl {
  kind: 'StructDecl';
  pos: SourcePos;
  name: string | null;
  union: boolean;
  fields: Field[] | null;
  end?: SourcePos;
}

export interface EnumMember {
  kind: 'EnumMember';
  pos: SourcePos;
  name: string;
  /** Explicit value; null = previous + 1 (or 0). */
  value: Expr | null;
}

export interface EnumDecl {
  kind: 'EnumDecl';
  pos: SourcePos;
  name: string | null;
  /** null for a forward reference `enum foo;`. */
  members: EnumMember[] | null;
}

export interface TypedefDecl {
  kind: 'TypedefDecl';
  pos: SourcePos;
  name: string;
  type: TypeNode;
}

export type TopLevelDecl = FunctionDef | FunctionDecl | VarDecl | StructDecl | EnumDecl | TypedefDecl;

/** The whole program: all files, in order, after preprocessing. */
export interface Program {
  kind: 'Program';
  /** Paths of the files actually read, in the order first read (a header follows the .c that includes it). */
  files: string[];
  decls: TopLevelDecl[];
  /**
   * Final set of CONFIG_* macros defined at the end of preprocessing (program
   * #defines plus options passed to parseProgram), name -> replacement text
   * (`'1'` for `#define CONFIG_FOO 1`, `''` for `#define CONFIG_FOO`).
   */
  config: Record<string, string>;
}

// ---------------------------------------------------------------------------
// Statements

export interface Block {
  kind: 'Block';
  pos: SourcePos;
  items: Stmt[];
  /** Position of the closing `}`: where scope-exit cleanups (guard) run. */
  end: SourcePos;
}

/** One declaration statement; `int a = 1, *b;` gives two VarDecls. */
export interface DeclStmt {
  kind: 'DeclStmt';
  pos: SourcePos;
  decls: VarDecl[];
}

/** A struct/enum/typedef declared inside a function. */
export interface TypeDeclStmt {
  kind: 'TypeDeclStmt';
  pos: SourcePos;
  decl: StructDecl | EnumDecl | TypedefDecl;
}

export interface ExprStmt {
  kind: 'ExprStmt';
  pos: SourcePos;
  expr: Expr;
}

export interface IfStmt {
  kind: 'If';
  pos: SourcePos;
  cond: Expr;
  then: Stmt;
  else: Stmt | null;
}

export interface WhileStmt {
  kind: 'While';
  pos: SourcePos;
  cond: Expr;
  body: Stmt;
}

export interface DoWhileStmt {
  kind: 'DoWhile';
  pos: SourcePos;
  body: Stmt;
  cond: Expr;
}

export interface ForStmt {
  kind: 'For';
  pos: SourcePos;
  /** `for (int i = 0; ...)` gives a DeclStmt scoped to the loop. */
  init: DeclStmt | Expr | null;
  cond: Expr | null;
  step: Expr | null;
  body: Stmt;
}

/**
 * `switch (expr) body`. Case and Default are marker statements. The parser
 * accepts them anywhere; checkProgram refuses any that is not a direct item
 * (possibly under labels) of a Block body, so a checked program only has
 * those.
 */
export interface SwitchStmt {
  kind: 'Switch';
  pos: SourcePos;
  expr: Expr;
  body: Stmt;
}

export interface CaseStmt {
  kind: 'Case';
  pos: SourcePos;
  value: Expr;
  /** GNU range `case 1 ... 5:`. */
  high?: Expr;
}

export interface DefaultStmt {
  kind: 'Default';
  pos: SourcePos;
}

export interface BreakStmt {
  kind: 'Break';
  pos: SourcePos;
}

export interface ContinueStmt {
  kind: 'Continue';
  pos: SourcePos;
}

export interface ReturnStmt {
  kind: 'Return';
  pos: SourcePos;
  value: Expr | null;
}

export interface GotoStmt {
  kind: 'Goto';
  pos: SourcePos;
  label: string;
}

/** `label: stmt` (a label right before `}` gets an EmptyStmt). */
export interface LabeledStmt {
  kind: 'Labeled';
  pos: SourcePos;
  label: string;
  stmt: Stmt;
}

export interface EmptyStmt {
  kind: 'Empty';
  pos: SourcePos;
}

/** The kernel's iteration macros, kept whole so the runtime can emit list events per step. */
export type ForEachMacro =
  | 'list_for_each_entry' // (pos, head, member)
  | 'list_for_each_entry_safe' // (pos, n, head, member)
  | 'list_for_each_entry_continue' // (pos, head, member)
  | 'list_for_each_entry_reverse' // (pos, head, member)
  | 'list_for_each_entry_rcu' // (pos, head, member[, cond])
  | 'list_for_each_entry_from' // (pos, head, member)
  | 'list_for_each_entry_safe_reverse' // (pos, n, head, member)
  | 'list_for_each' // (pos, head)
  | 'list_for_each_safe' // (pos, n, head)
  | 'hlist_for_each_entry' // (pos, head, member)
  | 'hlist_for_each_entry_safe' // (pos, n, head, member)
  | 'hlist_for_each_entry_rcu' // (pos, head, member[, cond])
  | 'for_each_set_bit' // (bit, addr, size)
  | 'for_each_clear_bit' // (bit, addr, size)
  | 'for_each_possible_cpu' // (cpu)
  | 'for_each_online_cpu' // (cpu)
  | 'for_each_present_cpu' // (cpu)
  | 'for_each_cpu'; // (cpu, mask)

/**
 * `list_for_each_entry(pos, head, member) body`. `args` are the macro's
 * arguments as expressions; a `member` argument is an Ident (or a Member
 * chain for `a.b`) naming a field, not a variable: the checker knows that.
 */
export interface ForEachStmt {
  kind: 'ForEach';
  pos: SourcePos;
  macro: ForEachMacro;
  args: Expr[];
  body: Stmt;
}

/**
 * `scoped_guard(raw_spinlock, &irq->irq_lock) stmt`: lock for the duration of
 * `body`, unlock on any exit from it (break/return/goto included), as
 * cleanup.h does. `guardType` is the class name as written (`spinlock`,
 * `spinlock_irqsave`, `raw_spinlock_irq`, `mutex`, `rcu`, `read_lock`...).
 * cleanup.h builds scoped_guard from a one-shot `for` loop, so a `break` or
 * `continue` directly inside `body` leaves the guarded scope (the checker
 * accepts `break` there for that reason).
 */
export interface ScopedGuardStmt {
  kind: 'ScopedGuard';
  pos: SourcePos;
  guardType: string;
  args: Expr[];
  body: Stmt;
}

/** `guard(mutex)(&lock);`: lock now, unlock when the enclosing block exits. */
export interface GuardStmt {
  kind: 'Guard';
  pos: SourcePos;
  guardType: string;
  args: Expr[];
}

export type Stmt =
  | Block
  | DeclStmt
  | TypeDeclStmt
  | ExprStmt
  | IfStmt
  | WhileStmt
  | DoWhileStmt
  | ForStmt
  | SwitchStmt
  | CaseStmt
  | DefaultStmt
  | BreakStmt
  | ContinueStmt
  | ReturnStmt
  | GotoStmt
  | LabeledStmt
  | EmptyStmt
  | ForEachStmt
  | ScopedGuardStmt
  | GuardStmt;

// ---------------------------------------------------------------------------
// Expressions

/** `42`, `0x1fULL`, `BIT_ULL(63)` arrives as a Call. Values are exact bigints. */
export interface IntLit {
  kind: 'IntLit';
  pos: SourcePos;
  value: bigint;
  /** Lower-cased suffix: '', 'u', 'l', 'ul', 'll', 'ull'. */
  suffix: string;
  /** The literal as written. */
  text: string;
}

/** `'a'`, `'\n'`: value is the char code (an int in C). */
export interface CharLit {
  kind: 'CharLit';
  pos: SourcePos;
  value: number;
  text: string;
}

/** String literal; adjacent literals are concatenated; escapes decoded. */
export interface StringLit {
  kind: 'StringLit';
  pos: SourcePos;
  value: string;
}

/** A name: variable, function, enum constant, or a builtin the runtime provides (`current`, `NULL`, `true`). */
export interface Ident {
  kind: 'Ident';
  pos: SourcePos;
  name: string;
  /**
   * Set by parseProgram when the name refers to a file-scope symbol whose
   * linkName is not its name (a `static` of this translation unit that another
   * unit's symbol shares a name with; not shadowed by a local): that linkName.
   * Absent = look the name up by `name` as before.
   */
  linkName?: string;
}

export type UnaryOp = '-' | '+' | '!' | '~' | '&' | '*';

export interface UnaryExpr {
  kind: 'Unary';
  pos: SourcePos;
  op: UnaryOp;
  operand: Expr;
}

/** `++x`, `x--`. */
export interface UpdateExpr {
  kind: 'Update';
  pos: SourcePos;
  op: '++' | '--';
  prefix: boolean;
  operand: Expr;
}

export type BinaryOp =
  | '*'
  | '/'
  | '%'
  | '+'
  | '-'
  | '<<'
  | '>>'
  | '<'
  | '>'
  | '<='
  | '>='
  | '=='
  | '!='
  | '&'
  | '^'
  | '|'
  | '&&'
  | '||';

export interface BinaryExpr {
  kind: 'Binary';
  /** Position of the operator (what gcc points at for operator diagnostics). */
  pos: SourcePos;
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=' | '%=' | '<<=' | '>>=' | '&=' | '^=' | '|=';

export interface AssignExpr {
  kind: 'Assign';
  pos: SourcePos;
  op: AssignOp;
  target: Expr;
  value: Expr;
}

/** `c ? a : b`; GNU `c ?: b` has then = null (value of c when true). */
export interface ConditionalExpr {
  kind: 'Conditional';
  pos: SourcePos;
  cond: Expr;
  then: Expr | null;
  else: Expr;
}

/** `a, b, c`: evaluates all, value of the last. */
export interface CommaExpr {
  kind: 'Comma';
  pos: SourcePos;
  exprs: Expr[];
}

export interface CastExpr {
  kind: 'Cast';
  pos: SourcePos;
  type: TypeNode;
  expr: Expr;
}

/** `sizeof x`, `sizeof(x)` (arg is an Expr) or `sizeof(struct foo)` (arg is a TypeArg). */
export interface SizeofExpr {
  kind: 'Sizeof';
  pos: SourcePos;
  arg: Expr;
}

/**
 * A type in argument position, for builtins that take one:
 * container_of(ptr, TYPE, member), list_entry, list_first_entry,
 * list_last_entry, list_first_entry_or_null, list_entry_rcu, hlist_entry,
 * offsetof(TYPE, member), sizeof(TYPE), typeof(TYPE).
 */
export interface TypeArg {
  kind: 'TypeArg';
  pos: SourcePos;
  type: TypeNode;
}

/** `f(a, b)`. Builtin macros (READ_ONCE, BIT_ULL, min, per_cpu, ...) are Calls too. */
export interface CallExpr {
  kind: 'Call';
  pos: SourcePos;
  callee: Expr;
  args: Expr[];
}

export interface IndexExpr {
  kind: 'Index';
  pos: SourcePos;
  base: Expr;
  index: Expr;
}

/** `a.b` (arrow = false) or `a->b` (arrow = true). pos is the `.`/`->` token. */
export interface MemberExpr {
  kind: 'Member';
  pos: SourcePos;
  object: Expr;
  field: string;
  arrow: boolean;
}

export type Designator = { kind: 'FieldDesignator'; pos: SourcePos; field: string } | { kind: 'IndexDesignator'; pos: SourcePos; index: Expr };

export interface InitItem {
  pos: SourcePos;
  /** `.a.b = `, `[3] = `; empty for positional items. */
  designators: Designator[];
  value: Initializer;
}

/** `{ 1, .x = 2, [3] = 4 }`: only in initializers and compound literals. */
export interface InitList {
  kind: 'InitList';
  pos: SourcePos;
  items: InitItem[];
}

/** `(struct foo){ .a = 1 }`. */
export interface CompoundLiteral {
  kind: 'CompoundLiteral';
  pos: SourcePos;
  type: TypeNode;
  init: InitList;
}

/** GNU statement expression `({ ...; value; })`: value of the last ExprStmt. */
export interface StmtExpr {
  kind: 'StmtExpr';
  pos: SourcePos;
  body: Block;
}

export type Expr =
  | IntLit
  | CharLit
  | StringLit
  | Ident
  | UnaryExpr
  | UpdateExpr
  | BinaryExpr
  | AssignExpr
  | ConditionalExpr
  | CommaExpr
  | CastExpr
  | SizeofExpr
  | TypeArg
  | CallExpr
  | IndexExpr
  | MemberExpr
  | CompoundLiteral
  | StmtExpr;

export type Initializer = Expr | InitList;

export type Node = TopLevelDecl | Stmt | Expr | TypeNode | Param | Field | EnumMember | InitList | Program;
