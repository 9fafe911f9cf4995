// Reading a tfjs layers model that ships inside an npm package as JS modules (nsfwjs's
// layout): `model.min.js` exports {modelTopology, weightsManifest}, each weights shard
// `NAME.min.js` a base64 string. Used by the runtime for the weights and by the checker
// for the topology; it needs no tfjs.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where a packaged model lives: the npm package and the model's folder inside it. */
export interface PackageLocation { npm: string; folder: string }

export interface PackagedModelJson { modelTopology: unknown; weightsManifest: { paths: string[]; weights: unknown[] }[] }

const require = createRequire(import.meta.url);

/** The model's folder on disk, or undefined when its package is not installed. */
export function packagedFolder(p: PackageLocation): string | undefined {
  try {
    // Packages may not export package.json: climb from the main entry to the package root.
    let dir = dirname(require.resolve(p.npm));
    while (!dir.endsWith(join('node_modules', p.npm)) && dirname(dir) !== dir) dir = dirname(dir);
    return dirname(dir) === dir ? undefined : join(dir, p.folder);
  } catch {
    return undefined;
  }
}

/** The parsed model.json of a packaged model, or undefined when it is not installed. */
export function packagedModelJson(p: PackageLocation): PackagedModelJson | undefined {
  const folder = packagedFolder(p);
  if (!folder) return undefined;
  try {
    return require(join(folder, 'model.min.js')) as PackagedModelJson;
  } catch {
    return undefined;
  }
}

/** The bytes of one weights shard. */
export function packagedShard(p: PackageLocation, path: string): Buffer {
  const text: unknown = require(join(packagedFolder(p)!, `${path}.min.js`));
  if (typeof text !== 'string') throw new Error(`${p.npm}: weights shard ${path} is not a base64 string`);
  return Buffer.from(text, 'base64');
}
