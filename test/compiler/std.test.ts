// The standard-library models: the summary (shapes and parameter counts) of every one is
// golden — of the module itself where its defaults are concrete (std.vae, std.gan), else of
// a fixture in test/fixtures/std/ that uses each model at a concrete shape.
// `npm run fixtures:update` rewrites the summaries.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../compiler/check/checker.js';
import { nodeHost, STD_DIR } from '../../driver/host.js';
import { renderSummary } from '../../compiler/summary.js';

const dir = 'test/fixtures/std';
const stdFiles = readdirSync(STD_DIR).filter((x) => x.endsWith('.nn'));
/** Modules whose models need their input dims from a user (E0303 alone) get a fixture. */
const concrete = stdFiles.filter((m) => check(join(STD_DIR, m), nodeHost).diagnostics.length === 0);
const fixtures = [...readdirSync(dir).filter((f) => f.endsWith('.nn')).map((f) => join(dir, f)), ...concrete.map((m) => join(STD_DIR, m))];
const update = process.env['UPDATE_GOLDEN'] === '1';

describe('standard-library models', () => {
  for (const f of fixtures) {
    it(`${basename(f)}: shapes and parameter counts are golden`, () => {
      const r = check(f, nodeHost);
      expect(r.diagnostics).toEqual([]);
      const text = [...r.program.models.values()].map(renderSummary).join('\n\n') + '\n';
      const golden = join(dir, basename(f).replace(/\.nn$/, '.summary.txt'));
      if (update || !existsSync(golden)) writeFileSync(golden, text);
      expect(text).toBe(readFileSync(golden, 'utf8'));
    });
  }

  it('every std model is documented and summarised by a golden file; the rest of a module checks clean', () => {
    const used = readdirSync(dir).filter((f) => f.endsWith('.nn')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    for (const m of stdFiles) {
      const text = readFileSync(join(STD_DIR, m), 'utf8');
      expect(check(join(STD_DIR, m), nodeHost).diagnostics.filter((d) => d.code !== 'E0303'), m).toEqual([]);
      for (const [, doc, name] of text.matchAll(/^((?:\/\/\/.*\n)*)model (\w+)/gm)) {
        expect(doc, `${m}: ${name} has no /// docs`).not.toBe('');
        if (!concrete.includes(m)) expect(used, `${name} of ${m} is not in a fixture`).toMatch(new RegExp(`\\b${name}\\(`));
      }
    }
  });
});

describe('standard-library blocks on tfjs', () => {
  it('build with the dims of the tensor they are applied to, with the checker\'s shapes and parameter counts', async () => {
    const { selectBackend } = await import('../../runtime/backend.js');
    const { buildModel } = await import('../../runtime/interpret/build.js');
    const { formatShape } = await import('../../compiler/shapes/shape.js');
    await selectBackend('cpu');
    const r = check(join(dir, 'sequence-blocks.nn'), nodeHost);
    const ir = r.program.models.get('M')!;
    const model = buildModel(ir);
    expect(model.outputs.map((o) => `[batch, ${o.shape.slice(1).join(', ')}]`)).toEqual(ir.outputs.map((o) => formatShape(ir.nodes[o.node]!.shape)));
    const total = ir.nodes.reduce((n, x) => n + (x.params.value ?? NaN), 0);
    expect(model.countParams()).toBe(total);
  });
});
