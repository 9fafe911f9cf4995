// docs/layers.md is generated from the layer table, so it says what the checker does.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LAYERS } from '../../compiler/layers/index.js';
import { LAYERS_DOC, renderLayersDoc, signature } from '../../driver/layers-doc.js';

describe('docs/layers.md', () => {
  it('is up to date (npm run docs:layers)', () => {
    expect(readFileSync(LAYERS_DOC, 'utf8')).toBe(renderLayersDoc());
  });

  it('has one entry per layer, with its signature and shape rule', () => {
    const doc = renderLayersDoc();
    for (const l of LAYERS.values()) {
      expect(doc.match(new RegExp(`^### ${l.name}$`, 'gm')), l.name).toHaveLength(1);
      expect(doc).toContain(signature(l));
      expect(doc).toContain(`Shape: \`${l.shapeDoc}\``);
    }
    expect(signature(LAYERS.get('dense')!)).toMatch(/^dense\(units: a positive Int, activation: /);
  });
});
