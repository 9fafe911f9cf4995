// The layer table: every built-in layer, defined once. The checker, summary, LSP, docs
// and runtime all read this map.
import { convLayers } from './conv.js';
import { coreLayers } from './core.js';
import { recurrentLayers } from './recurrent.js';
import type { LayerDef } from './types.js';

export const LAYERS: ReadonlyMap<string, LayerDef> = new Map([...coreLayers, ...recurrentLayers, ...convLayers].map((l) => [l.name, l]));

export type { LayerDef, LayerCtx, LayerConfig } from './types.js';
