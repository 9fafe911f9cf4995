// docs/diagnostics.md is generated from the table; the table's codes are unique in number
// (E0410 and W0410 would read as one) and each has a fixture to be its example.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../compiler/diagnostics.js';
import { holesOf } from '../../compiler/templates.js';
import { DOC, fixturesByCode, renderDiagnosticsDoc } from '../../driver/diagnostics-doc.js';

describe('docs/diagnostics.md', () => {
  it('is up to date (npm run docs:diagnostics)', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(renderDiagnosticsDoc());
  });

  it('codes are unique in number and each has a fixture', () => {
    const codes = Object.keys(DIAGNOSTIC_CODES);
    expect(new Set(codes.map((c) => c.slice(1))).size).toBe(codes.length);
    const fixtures = fixturesByCode();
    expect(codes.filter((c) => !fixtures.has(c))).toEqual([]);
  });

  it('no two codes share a message, and each template is well formed', () => {
    const seen = new Map<string, string>();
    for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
      const key = `${info.title}: ${info.message}`;
      expect(seen.get(key), `${code} repeats ${seen.get(key)}`).toBeUndefined();
      seen.set(key, code);
      // Braces only as placeholders: an unbalanced one would print as is.
      const labels = 'label' in info ? (typeof info.label === 'string' ? [info.label] : Object.values(info.label)) : [];
      const hints = 'hints' in info ? Object.values(info.hints) : [];
      for (const t of [info.message, ...('help' in info ? [info.help].flat() : []), ...labels, ...hints]) expect(t.replace(/\{\w+(\|[^}]+)?\}/g, ''), code).not.toMatch(/[{}]/);
      // One label names what the message does; a code with several labels names more.
      if ('label' in info && typeof info.label === 'string') expect(holesOf(info.label).every((h) => holesOf(info.message).includes(h)), code).toBe(true);
    }
  });
});
