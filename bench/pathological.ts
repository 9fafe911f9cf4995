// Issue 22's pathological inputs: check and render time of each, of the built code
// (bench/built.ts) (budget: < 1 s each on a ≤ 1 MB input). `npx tsx bench/pathological.ts
// [name regex] [runs]`: min and median of `runs` (default 3) fresh checks, with the input size
// and the load average. Not a test: timings vary by machine.
import { builtModule, loadAverage, median } from './built.js';

const { check } = await builtModule<typeof import('../compiler/check/checker.js')>('compiler/check/checker.js');
const { renderText } = await builtModule<typeof import('../compiler/render.js')>('compiler/render.js');
const { nodeHost } = await builtModule<typeof import('../driver/host.js')>('driver/host.js');
const checkText = (text: string) => check('main.nn', nodeHost, text);

const cases: Record<string, () => string> = {
  bigmul: () => 'let a = 100000000000 * 100000000000\nmodel M { input x: [b, a] \n dense(4) }',
  squares: () => { let s = 'let a0 = 10\n'; for (let i = 1; i < 12; i++) s += `let a${i} = a${i-1} * a${i-1}\n`; return s + 'model M { input x: [b, a11]\n dense(4) }'; },
  bigdim: () => 'model M { input x: [b, 99999999999999999999] \n dense(4) }',
  bigunits: () => 'model M { input x: [b, 4] \n dense(99999999999999999999) }',
  hugedense: () => 'model M { input x: [b, 100000] \n dense(1000000000) }',
  divov: () => 'let a = 1e308\nlet b = 9007199254740991 * 9007199254740991 / 1\nmodel M { input x: [b, 4] \n dense(b) }',
  symbig: () => 'model M { input x: [b, n] \n reshape(n * 9007199254740991 * 9007199254740991) }',
  calls: () => `model M {\n input x: [b, 4]\n x${' -> relu'.repeat(100000)}\n}`,
  lets: () => { let s = 'let a0 = 1\n'; for (let i = 1; i < 50000; i++) s += `let a${i} = a${i-1}\n`; return s; },
  letsRev: () => { const l = []; for (let i = 1; i < 50000; i++) l.push(`let a${i} = a${i-1}`); l.push('let a0 = 1'); return l.reverse().join('\n') ; },
  letsRev2: () => { const l = ['let a0 = 1']; for (let i = 1; i < 50000; i++) l.push(`let a${i} = a${i-1}`); return l.reverse().join('\n'); },
  models: () => { const l = ['model M0 { input x: [b, 4]\n dense(4) }']; for (let i = 1; i < 2000; i++) l.push(`model M${i} { input x: [b, 4]\n M${i-1} }`); return l.reverse().join('\n'); },
  members: () => `let a = x${'.b'.repeat(100000)}`,
  stdmembers: () => `import std.data\nlet a = std.data${'.b'.repeat(100000)}`,
  bidi: () => `model M { input x: [b, 10, 4]\n ${'bidirectional('.repeat(50)}lstm(4)${')'.repeat(50)} }`,
  random: () => { let s=''; let seed = 1; for (let i=0;i<65536;i++){ seed = (seed*1103515245+12345)&0x7fffffff; s+=String.fromCharCode(seed%256);} return s; },
  junk: () => { const t = ['(', ')', 'dense', '->', '1', ',', 'x', '{', '}', '[', ']', '"a"', '.', '@', 'model', ':', '=']; let s=''; let seed=3; while (s.length < 1e6) { seed = (seed*1103515245+12345)&0x7fffffff; s += t[seed % t.length] + ' '; } return s; },
  recovery: () => 'model M { input x: [b, 4]\n' + ') , '.repeat(50000) + '}',
  longline: () => 'let a = ' + 'x + '.repeat(250000) + '1',
  dimsum: () => { const n = []; for (let i=0;i<10000;i++) n.push(`s${i}`); return `model M { input x: [b, ${n.join(' + ')}]\n input y: [b, 3]\n x + y }`; },
  manyargs: () => `let a = dense(${'1, '.repeat(100000)}1)`,
  brokenargs: () => `let a = f(${'a: ,'.repeat(100000)})`,
  brokenargs2: () => `let a = f(${'a: b: ,'.repeat(50000)})`,
};
const only = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
console.log(`load average (1, 5, 15 min) before: ${loadAverage()}; ${runs} runs each, min / median`);
const ms = (xs: number[]) => `${Math.min(...xs).toFixed(0)}/${median(xs).toFixed(0)}ms`.padEnd(11);
for (const [name, gen] of Object.entries(cases)) {
  if (only && !name.match(only)) continue;
  const text = gen();
  const checks: number[] = [], renders: number[] = [];
  let res = '';
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = checkText(text);
      const t1 = performance.now();
      let rendered = '';
      try { rendered = renderText(r.diagnostics, r.sources); } catch (e) { res = ` RENDER THREW ${String(e).slice(0, 150)}`; }
      renders.push(performance.now() - t1);
      checks.push(t1 - t0);
      if (i === runs - 1) {
        res = `check ${ms(checks)} render ${ms(renders)} (${rendered.length} chars) diags ${r.diagnostics.length} [${[...new Set(r.diagnostics.map(d => d.code))].slice(0, 6).join(',')}] ${r.diagnostics[0]?.message.slice(0,80) ?? ''}` + res;
      }
    }
  } catch (e) { res = `THREW: ${String(e).slice(0, 200)}`; }
  console.log(name.padEnd(10), `${(text.length / 1024).toFixed(0).padStart(5)} KB`, res);
}
console.log(`load average after: ${loadAverage()}`);
