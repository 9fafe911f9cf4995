// What a machine offers a Vulkan GPU adapter, read from the file system (device files, the
// Vulkan loader, the drivers' ICD manifests the loader would read), and a sentence saying
// what is missing when Dawn finds no hardware adapter: `auto`'s reason for passing webgpu
// over, and scripts/gpu-check.sh's verdict.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';

/** An installable client driver's manifest: its path, the library it names, whether the
 *  dynamic linker finds that library, and where it is when only outside the linker's folders. */
export interface Icd { path: string; library: string; libraryFound: boolean; libraryElsewhere?: string }

export interface GpuFacts {
  /** GPU device files: /dev/nvidia0, /dev/dri/renderD*. */
  devices: string[];
  /** Where the Vulkan loader (libvulkan.so.1) is, or undefined. */
  loader: string | undefined;
  /** The manifests the loader reads (VK_DRIVER_FILES / VK_ICD_FILENAMES, else its folders). */
  icds: Icd[];
  /** NVIDIA manifests outside the loader's folders (the NVIDIA container toolkit's mount). */
  strayNvidiaIcds: string[];
  /** NVIDIA_DRIVER_CAPABILITIES, which decides what of the driver a container gets. */
  containerCapabilities: string | undefined;
}

/** Folders the dynamic linker searches: LD_LIBRARY_PATH, those /etc/ld.so.conf.d names, the
 *  defaults. */
function libraryDirs(env: NodeJS.ProcessEnv): string[] {
  const fromEnv = (env['LD_LIBRARY_PATH'] ?? '').split(delimiter).filter(Boolean);
  const configured = filesIn('/etc/ld.so.conf.d', '.conf').flatMap((f) => {
    try {
      return readFileSync(f, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/'));
    } catch {
      return [];
    }
  });
  return [...fromEnv, ...configured, '/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib64', '/usr/lib64', '/lib', '/usr/lib'];
}

/** Where drivers' libraries sit outside the linker's folders (the NVIDIA container toolkit's
 *  and Debian's NVIDIA packages' folders). */
const DRIVER_LIBRARY_DIRS = ['/usr/local/nvidia/lib64', '/usr/local/nvidia/lib', '/usr/lib/x86_64-linux-gnu/nvidia/current'];

function findLibrary(name: string, env: NodeJS.ProcessEnv, dirs = libraryDirs(env)): string | undefined {
  if (name.includes('/')) return existsSync(name) ? name : undefined;
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p));
}

/** The folders the Vulkan loader reads manifests from on Linux, in its order. */
function icdDirs(env: NodeJS.ProcessEnv): string[] {
  const config = (env['XDG_CONFIG_DIRS'] || '/etc/xdg').split(':');
  const data = (env['XDG_DATA_DIRS'] || '/usr/local/share:/usr/share').split(':');
  const home = env['XDG_DATA_HOME'] || join(env['HOME'] ?? homedir(), '.local/share');
  return [...config.map((d) => join(d, 'vulkan/icd.d')), '/etc/vulkan/icd.d', ...data.map((d) => join(d, 'vulkan/icd.d')), join(home, 'vulkan/icd.d')];
}

/** The files of a folder with this ending, sorted; none when it cannot be read. */
function filesIn(dir: string, ext: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith(ext)).sort().map((f) => join(dir, f));
  } catch {
    return [];
  }
}

function readIcd(path: string, env: NodeJS.ProcessEnv): Icd {
  let library = '';
  try {
    library = String((JSON.parse(readFileSync(path, 'utf8')) as { ICD?: { library_path?: string } }).ICD?.library_path ?? '');
  } catch {
    // An unreadable manifest names no library; the loader skips it too.
  }
  // A path with a slash is the manifest's folder's (relative) or the file system's.
  if (library.includes('/') && !library.startsWith('/')) library = join(dirname(path), library);
  const libraryFound = library !== '' && findLibrary(library, env) !== undefined;
  const elsewhere = library && !libraryFound ? findLibrary(library, env, DRIVER_LIBRARY_DIRS) : undefined;
  return { path, library, libraryFound, ...(elsewhere && { libraryElsewhere: dirname(elsewhere) }) };
}

const isNvidia = (path: string) => /^nvidia/i.test(basename(path));

/** The facts of this machine (Linux; elsewhere Dawn alone can tell). */
export function gpuFacts(env: NodeJS.ProcessEnv = process.env): GpuFacts {
  const devices = existsSync('/dev/nvidia0') ? ['/dev/nvidia0'] : [];
  try {
    devices.push(...readdirSync('/dev/dri').filter((f) => f.startsWith('renderD')).map((f) => `/dev/dri/${f}`));
  } catch {
    // No /dev/dri: no DRM device.
  }
  const listed = (env['VK_DRIVER_FILES'] || env['VK_ICD_FILENAMES'] || '').split(':').filter(Boolean);
  const icds = (listed.length ? listed : icdDirs(env).flatMap((d) => filesIn(d, '.json'))).map((p) => readIcd(p, env));
  const known = new Set(icds.map((i) => i.path));
  const strayNvidiaIcds = ['/usr/local/nvidia/share/vulkan/icd.d', '/usr/local/nvidia/icd.d', '/etc/vulkan/icd.d.disabled']
    .flatMap((d) => filesIn(d, '.json')).filter((p) => isNvidia(p) && !known.has(p));
  return { devices, loader: findLibrary('libvulkan.so.1', env), icds, strayNvidiaIcds, containerCapabilities: env['NVIDIA_DRIVER_CAPABILITIES'] };
}

/** What Dawn offered: nothing, or an adapter (software when it is a CPU rasterizer). */
export type DawnOffer = 'none' | { adapter: string; software: boolean };

/** Why there is no hardware adapter, as precisely as the facts tell; undefined when Dawn
 *  offered one. */
export function whyNoHardwareAdapter(f: GpuFacts, offer?: DawnOffer): string | undefined {
  if (offer && offer !== 'none' && !offer.software) return undefined;
  const got = !offer ? 'Dawn was not asked' : offer === 'none' ? 'Dawn found no adapter' : `Dawn offered only a software adapter (${offer.adapter})`;
  if (!f.devices.length) return `no GPU device: neither /dev/dri/renderD* nor /dev/nvidia0${offer ? `; ${got}` : ''}`;
  if (!f.loader) return `${f.devices.join(', ')} present, but no Vulkan loader (libvulkan.so.1; Debian: apt-get install libvulkan1): ${got}`;
  const missing: string[] = [];
  if (f.devices.includes('/dev/nvidia0')) {
    const nvidia = f.icds.filter((i) => isNvidia(i.path));
    if (!nvidia.length) {
      const stray = f.strayNvidiaIcds[0];
      missing.push(stray
        ? `no NVIDIA Vulkan driver where the loader looks (${stray} exists: set VK_DRIVER_FILES=${stray})`
        : `no NVIDIA Vulkan driver (no nvidia_icd.json among the loader's manifests: ${f.icds.map((i) => basename(i.path)).join(', ') || 'none'}${f.containerCapabilities !== undefined && !/graphics|all/.test(f.containerCapabilities) ? `; in this container NVIDIA_DRIVER_CAPABILITIES=${f.containerCapabilities} lacks 'graphics'` : ''})`);
    } else {
      const broken = nvidia.filter((i) => !i.libraryFound);
      const first = nvidia[0]!;
      if (broken.length === nvidia.length) {
        missing.push(first.libraryElsewhere
          ? `${basename(first.path)} names ${first.library}, which is in ${first.libraryElsewhere}, outside the linker's folders (add it to LD_LIBRARY_PATH)`
          : `${basename(first.path)} names ${first.library || 'no library'}, which is not installed`);
      }
    }
  }
  if (!missing.length) {
    const hardware = f.icds.filter((i) => !/lvp|swiftshader/i.test(`${i.path} ${i.library}`));
    if (!hardware.length) missing.push('no Vulkan driver for the GPU (only software ones)');
    else missing.push(`the Vulkan drivers (${hardware.map((i) => basename(i.path)).join(', ')}) offered no adapter for it`);
  }
  return `${f.devices.join(', ')} present, but ${missing.join('; ')}: ${got}`;
}
