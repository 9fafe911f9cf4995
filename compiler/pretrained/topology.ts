// The topology of a pretrained model, read from the JSON that tfjs and Keras write (a tfjs
// `model.json`, or the `model_config` of a Keras HDF5 file): its input shape and its layers
// with their classes. Only structure is read here; weights are the runtime's business.

export interface TopologyLayer { name: string; className: string }

/** How a network wants pixels (runtime/features/extract.ts's PIXEL_PREPROCESS gives each its
 *  meaning). */
export const PIXEL_RANGES = ['unit', 'signed', 'caffe'] as const;
export type PixelRange = (typeof PIXEL_RANGES)[number];

export type PretrainedLocation =
  | { kind: 'file'; path: string; weights: string | null }
  | { kind: 'package'; id: string; npm: string; folder: string };

/** A checked pretrained model: where it is, how it wants pixels, and its topology. */
export interface PretrainedModel {
  label: string;
  location: PretrainedLocation;
  pixels: PixelRange;
  input: (number | null)[];
  layers: TopologyLayer[];
}

export interface Topology {
  /** The model's input, batch axis first; null where any size is accepted. */
  input: (number | null)[];
  /** In the file's order, which Keras writes topologically sorted. */
  layers: TopologyLayer[];
}

/** Why a topology cannot be read. Internal to compiler/: the evaluator catches it and
 *  reports E0411 with this as the reason; a class of its own because the reader knows the
 *  reason but not the path as written or the span the diagnostic belongs on. */
export class TopologyError extends Error {}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The model config inside what a file holds: `{modelTopology: {model_config: {...}}}` (tfjs
 *  converter), `{modelTopology: {class_name, config}}` (tfjs save), or the config itself. */
function modelConfig(json: unknown): Json {
  let cur = json;
  if (isObject(cur) && 'modelTopology' in cur) cur = cur['modelTopology'];
  if (isObject(cur) && 'model_config' in cur) cur = cur['model_config'];
  if (isObject(cur) && typeof cur['class_name'] === 'string' && isObject(cur['config'])) return cur;
  throw new TopologyError('it holds no model topology (expected a tfjs layers model.json or a Keras model config)');
}

const shapeOf = (cfg: Json): (number | null)[] | undefined => {
  const s = cfg['batch_input_shape'] ?? cfg['batchInputShape'] ?? cfg['batch_shape'];
  return Array.isArray(s) && s.every((d) => d === null || typeof d === 'number') ? (s as (number | null)[]) : undefined;
};

/** Reads a topology from parsed JSON, or throws a TopologyError saying what is missing. */
export function readTopology(json: unknown): Topology {
  const model = modelConfig(json);
  const config = model['config'] as Json;
  // Sequential models of old Keras versions keep the layer list as the config itself.
  const rawLayers = Array.isArray(config) ? config : config['layers'];
  if (!Array.isArray(rawLayers) || rawLayers.length === 0) throw new TopologyError(`its ${String(model['class_name'])} has no layers`);
  const layers: TopologyLayer[] = [];
  let input: (number | null)[] | undefined;
  for (const raw of rawLayers) {
    if (!isObject(raw) || typeof raw['class_name'] !== 'string' || !isObject(raw['config'])) throw new TopologyError('a layer entry has no class_name or config');
    const cfg = raw['config'] as Json;
    const name = typeof raw['name'] === 'string' ? raw['name'] : typeof cfg['name'] === 'string' ? cfg['name'] : undefined;
    if (!name) throw new TopologyError(`a ${raw['class_name']} layer has no name`);
    input ??= shapeOf(cfg);
    layers.push({ name, className: raw['class_name'] });
  }
  if (!input) throw new TopologyError('no layer states the input shape (batch_input_shape)');
  return { input, layers };
}
