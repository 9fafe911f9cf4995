// Golden diagnostics: each test/fixtures/*.nn is checked and rendered; the text must equal
// the *.errors.txt beside it. `npm run fixtures:update` rewrites them after a deliberate change.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../compiler/check/checker.js';
import { nodeHost, STD_DIR } from '../../driver/host.js';
import { DIAGNOSTIC_CODES } from '../../compiler/diagnostics.js';
import { renderText } from '../../compiler/render.js';
import { pytorchRefusals, refusalDiagnostic } from '../../compiler/emit/pytorch/emit.js';

const dir = join(import.meta.dirname, '..', 'fixtures');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.nn')).sort();
const update = process.env.UPDATE_GOLDEN === '1';

describe('golden diagnostics', () => {
  for (const f of fixtures) {
    it(f, () => {
      const path = relative(process.cwd(), join(dir, f));
      const r = check(path, nodeHost);
      // E05xx are the back ends' refusals: what `nnc compile --target pytorch` reports.
      if (f.startsWith('E05') && !r.diagnostics.length) r.diagnostics.push(...pytorchRefusals(r.program).map(refusalDiagnostic));
      // Paths as the goldens hold them: fixtures by name, standard-library modules under <std>/.
      const text = renderText(r.diagnostics, r.sources).replaceAll(relative(process.cwd(), dir) + '/', '').replaceAll(STD_DIR, '<std>');
      const golden = join(dir, f.replace(/\.nn$/, '.errors.txt'));
      if (update || !existsSync(golden)) writeFileSync(golden, text);
      expect(text).toBe(readFileSync(golden, 'utf8'));
      const code = f.slice(0, 5);
      if (code in DIAGNOSTIC_CODES) expect(r.diagnostics.map((d) => d.code)).toContain(code);
    });
  }

  it('every diagnostic code has a fixture named after it', () => {
    const covered = new Set(fixtures.map((f) => f.slice(0, 5)));
    const missing = Object.keys(DIAGNOSTIC_CODES).filter((c) => !covered.has(c));
    expect(missing).toEqual([]);
  });
});
