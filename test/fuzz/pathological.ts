// Issue 22's pathological inputs, each at a scale: 1 is the full size bench/pathological.ts
// times (up to ~1 MB), and the tests run them smaller. Every phase must end in a result or a
// diagnostic, never an exception, and within its budget at full size (< 1 s each).
const sized = (n: number, scale: number) => Math.max(2, Math.round(n * scale));

export const PATHOLOGICAL: Record<string, (scale: number) => string> = {
  bigmul: () => 'let a = 100000000000 * 100000000000\nmodel M { input x: [b, a] \n dense(4) }',
  squares: () => { let s = 'let a0 = 10\n'; for (let i = 1; i < 12; i++) s += `let a${i} = a${i - 1} * a${i - 1}\n`; return s + 'model M { input x: [b, a11]\n dense(4) }'; },
  bigdim: () => 'model M { input x: [b, 99999999999999999999] \n dense(4) }',
  bigunits: () => 'model M { input x: [b, 4] \n dense(99999999999999999999) }',
  hugedense: () => 'model M { input x: [b, 100000] \n dense(1000000000) }',
  divov: () => 'let a = 1e308\nlet b = 9007199254740991 * 9007199254740991 / 1\nmodel M { input x: [b, 4] \n dense(b) }',
  symbig: () => 'model M { input x: [b, n] \n reshape(n * 9007199254740991 * 9007199254740991) }',
  calls: (s) => `model M {\n input x: [b, 4]\n x${' -> relu'.repeat(sized(100000, s))}\n}`,
  lines: (s) => { const l = ['model M {', '  input x: [b, 4]']; for (let i = 0; i < sized(20000, s); i++) l.push(`  h${i} = ${i ? `h${i - 1}` : 'x'} -> dense(4)`); return l.join('\n') + '\n}'; },
  lets: (s) => { let t = 'let a0 = 1\n'; for (let i = 1; i < sized(50000, s); i++) t += `let a${i} = a${i - 1}\n`; return t; },
  letsRev: (s) => { const l = ['let a0 = 1']; for (let i = 1; i < sized(50000, s); i++) l.push(`let a${i} = a${i - 1}`); return l.reverse().join('\n'); },
  models: (s) => { const l = ['model M0 { input x: [b, 4]\n dense(4) }']; for (let i = 1; i < sized(2000, s); i++) l.push(`model M${i} { input x: [b, 4]\n M${i - 1} }`); return l.reverse().join('\n'); },
  members: (s) => `let a = x${'.b'.repeat(sized(100000, s))}`,
  stdmembers: (s) => `import std.data\nlet a = std.data${'.b'.repeat(sized(100000, s))}`,
  bidi: () => `model M { input x: [b, 10, 4]\n ${'bidirectional('.repeat(50)}lstm(4)${')'.repeat(50)} }`,
  random: (s) => { let t = ''; let seed = 1; for (let i = 0; i < sized(65536, s); i++) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; t += String.fromCharCode(seed % 256); } return t; },
  junk: (s) => { const t = ['(', ')', 'dense', '->', '1', ',', 'x', '{', '}', '[', ']', '"a"', '.', '@', 'model', ':', '=']; const out: string[] = []; let seed = 3, len = 0; while (len < sized(1e6, s)) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; out.push(t[seed % t.length]!); len += out[out.length - 1]!.length + 1; } return out.join(' '); },
  recovery: (s) => 'model M { input x: [b, 4]\n' + ') , '.repeat(sized(50000, s)) + '}',
  longline: (s) => 'let a = ' + 'x + '.repeat(sized(250000, s)) + '1',
  dimsum: (s) => { const n = []; for (let i = 0; i < sized(10000, s); i++) n.push(`s${i}`); return `model M(s0: Int) { input x: [b, ${n.join(' + ')}]\n input y: [b, 3]\n x + y }`; },
  manyargs: (s) => `let a = dense(${'1, '.repeat(sized(100000, s))}1)`,
  brokenargs: (s) => `let a = f(${'a: ,'.repeat(sized(100000, s))})`,
  brokenargs2: (s) => `let a = f(${'a: b: ,'.repeat(sized(50000, s))})`,
  product: (s) => `model M(n: Int) {\n  input x: [b, ${Array(sized(250000, s)).fill('n').join(' * ')}]\n  dense(4)\n}`,
  power: () => { const f = `(${'abcdefgh'.split('').join(' + ')})`; return `model M(a: Int, b: Int, c: Int, d: Int, e: Int, f: Int, g: Int, h: Int) {\n  input x: [b, ${Array(20).fill(f).join(' * ')}]\n  dense(4)\n}`; },
  comments: (s) => Array.from({ length: sized(30000, s) }, (_, i) => `// comment ${i}\nlet a${i} = ${i} /* c */`).join('\n'),
};
