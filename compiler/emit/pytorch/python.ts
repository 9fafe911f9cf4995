// Python spelling of source-derived text: every name, doc and string the .nn file wrote goes
// through one of these, so a hostile name or string cannot end a literal or a comment early.

const KEYWORDS = new Set(['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif',
  'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield', 'match', 'case', '_']);

/** Names the emitted code itself uses at module level or on nn.Module (an attribute called
 *  `forward` or `training` would replace torch's own). */
const TAKEN = new Set(['self', 'torch', 'nn', 'F', 'K', 'R', 'forward', 'training', 'train', 'eval', 'parameters', 'modules', 'children', 'state_dict',
  'load_state_dict', 'to', 'cuda', 'cpu', 'float', 'double', 'half', 'apply', 'register_buffer', 'register_parameter', 'zero_grad', 'type',
  'requires_grad_', 'named_parameters', 'named_modules', 'buffers', 'add_module', 'get_submodule', 'extra_repr', 'dump_patches', 'call_super_init',
  'TFJS_LAYERS', 'INPUT_DTYPES']);

/** A Python identifier for a source name: non-identifier characters become `_`, a keyword or
 *  a taken name gets a trailing `_`, a leading digit a leading `_`. */
export function pyIdent(name: string): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (id === '' || /^[0-9]/.test(id)) id = `_${id}`;
  if (id.startsWith('__')) id = `n${id}`;
  while (KEYWORDS.has(id) || TAKEN.has(id)) id = `${id}_`;
  return id;
}

/** Unique identifiers for `names` in order (a clash after spelling gets `_2`, `_3`, ...). */
export function pyIdents(names: readonly string[], reserved: Iterable<string> = []): string[] {
  const used = new Set(reserved);
  return names.map((n) => {
    const base = pyIdent(n);
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
    used.add(id);
    return id;
  });
}

const escapeChar = (ch: string): string => {
  const c = ch.codePointAt(0)!;
  if (ch === '\\') return '\\\\';
  if (ch === '"') return '\\"';
  if (ch === '\n') return '\\n';
  if (ch === '\t') return '\\t';
  if (c >= 0x20 && c < 0x7f) return ch;
  if (c <= 0xff) return `\\x${c.toString(16).padStart(2, '0')}`;
  if (c <= 0xffff) return `\\u${c.toString(16).padStart(4, '0')}`;
  return `\\U${c.toString(16).padStart(8, '0')}`;
};

/** A double-quoted Python string literal; everything outside printable ASCII escaped. */
export function pyStr(s: string): string {
  return `"${[...s].map(escapeChar).join('')}"`;
}

/** A docstring: triple-quoted, one source line per line, the same escapes as pyStr but with
 *  real newlines (a `"` is escaped, so `"""` cannot occur inside). */
export function pyDoc(s: string, indent: string): string {
  const lines = s.split(/\r\n|\r|\n/).map((l) => [...l].map((ch) => (ch === '\n' ? ch : escapeChar(ch))).join(''));
  if (lines.length === 1) return `${indent}"""${lines[0]}"""`;
  return `${indent}"""${lines[0]}\n${lines.slice(1).map((l) => (l ? indent + l : l)).join('\n')}\n${indent}"""`;
}

/** Text for a `#` comment: one line, printable ASCII only. */
export function pyComment(s: string): string {
  return [...s].map((ch) => (ch >= ' ' && ch <= '~' ? ch : '?')).join('');
}

/** Plain data (numbers, strings, booleans, arrays, records, undefined → None) as a Python literal. */
export function pyValue(v: unknown): string {
  if (v === undefined || v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'float("nan")';
    if (!Number.isFinite(v)) return v > 0 ? 'float("inf")' : 'float("-inf")';
    return String(v);
  }
  if (typeof v === 'string') return pyStr(v);
  if (Array.isArray(v)) return `[${v.map(pyValue).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyStr(k)}: ${pyValue(x)}`).join(', ')}}`;
  throw new Error(`no Python literal for ${typeof v}`);
}
