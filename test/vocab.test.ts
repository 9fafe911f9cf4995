// The runtime's loss and optimizer tables cover the checker's vocabularies exactly.
import { describe, expect, it } from 'vitest';
import { LOSSES, OPTIMIZERS } from '../compiler/tasks/schemas.js';
import { TFJS_LOSSES, TFJS_OPTIMIZERS } from '../runtime/tasks/vocab.js';

describe('task vocabularies', () => {
  it('every loss has a runtime meaning, and no other', () => {
    expect(Object.keys(TFJS_LOSSES).sort()).toEqual([...LOSSES].sort());
  });
  it('every optimizer has a runtime meaning, and no other', () => {
    expect(Object.keys(TFJS_OPTIMIZERS).sort()).toEqual([...OPTIMIZERS.keys()].sort());
  });
});
