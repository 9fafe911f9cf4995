// What `auto` says when webgpu has no hardware adapter: the machine's facts (device files,
// the Vulkan loader, the drivers' manifests) read from folders made here, and the sentence
// for each way a GPU machine can fall short, without a GPU.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gpuFacts, whyNoHardwareAdapter, type GpuFacts, type Icd } from '../../runtime/gpu.js';

const icd = (path: string, library: string, libraryFound = true): Icd => ({ path, library, libraryFound });
const LAVAPIPE = icd('/usr/share/vulkan/icd.d/lvp_icd.json', 'libvulkan_lvp.so');
const facts = (f: Partial<GpuFacts>): GpuFacts => ({ devices: [], loader: '/usr/lib/x86_64-linux-gnu/libvulkan.so.1', icds: [LAVAPIPE], strayNvidiaIcds: [], containerCapabilities: undefined, ...f });
const llvmpipe = { adapter: 'llvmpipe (LLVM 15.0.6)', software: true };

describe('why webgpu has no hardware adapter', () => {
  it('a machine without GPU device files', () => {
    expect(whyNoHardwareAdapter(facts({}))).toBe('no GPU device: neither /dev/dri/renderD* nor /dev/nvidia0');
    expect(whyNoHardwareAdapter(facts({}), 'none')).toBe('no GPU device: neither /dev/dri/renderD* nor /dev/nvidia0; Dawn found no adapter');
  });

  it('an NVIDIA GPU without a Vulkan loader', () => {
    expect(whyNoHardwareAdapter(facts({ devices: ['/dev/nvidia0'], loader: undefined }), 'none'))
      .toBe('/dev/nvidia0 present, but no Vulkan loader (libvulkan.so.1; Debian: apt-get install libvulkan1): Dawn found no adapter');
  });

  it('an NVIDIA GPU whose Vulkan driver is not installed: only lavapipe answered; in a container without graphics', () => {
    expect(whyNoHardwareAdapter(facts({ devices: ['/dev/nvidia0'] }), llvmpipe))
      .toBe('/dev/nvidia0 present, but no NVIDIA Vulkan driver (no nvidia_icd.json among the loader\'s manifests: lvp_icd.json): Dawn offered only a software adapter (llvmpipe (LLVM 15.0.6))');
    expect(whyNoHardwareAdapter(facts({ devices: ['/dev/nvidia0'], icds: [], containerCapabilities: 'compute,utility' }), 'none'))
      .toBe('/dev/nvidia0 present, but no NVIDIA Vulkan driver (no nvidia_icd.json among the loader\'s manifests: none; in this container NVIDIA_DRIVER_CAPABILITIES=compute,utility lacks \'graphics\'): Dawn found no adapter');
  });

  it('an NVIDIA manifest outside the loader\'s folders, and one whose library is missing', () => {
    expect(whyNoHardwareAdapter(facts({ devices: ['/dev/nvidia0'], strayNvidiaIcds: ['/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json'] }), llvmpipe))
      .toMatch(/^\/dev\/nvidia0 present, but no NVIDIA Vulkan driver where the loader looks \(\/usr\/local\/nvidia\/share\/vulkan\/icd\.d\/nvidia_icd\.json exists: set VK_DRIVER_FILES=\/usr\/local\/nvidia\/share\/vulkan\/icd\.d\/nvidia_icd\.json\)/);
    expect(whyNoHardwareAdapter(facts({ devices: ['/dev/nvidia0'], icds: [icd('/etc/vulkan/icd.d/nvidia_icd.json', 'libGLX_nvidia.so.0', false), LAVAPIPE] }), llvmpipe))
      .toBe('/dev/nvidia0 present, but nvidia_icd.json names libGLX_nvidia.so.0, which is not installed: Dawn offered only a software adapter (llvmpipe (LLVM 15.0.6))');
    const outside = { ...icd('/etc/vulkan/icd.d/nvidia_icd.json', 'libGLX_nvidia.so.0', false), libraryElsewhere: '/usr/local/nvidia/lib64' };
    expect(whyNoHardwareAdapter(facts({ devices: ['/dev/nvidia0'], icds: [outside] }), 'none'))
      .toBe('/dev/nvidia0 present, but nvidia_icd.json names libGLX_nvidia.so.0, which is in /usr/local/nvidia/lib64, outside the linker\'s folders (add it to LD_LIBRARY_PATH): Dawn found no adapter');
  });

  it('a DRM GPU whose drivers offered nothing, and one with software drivers only', () => {
    const radeon = icd('/usr/share/vulkan/icd.d/radeon_icd.x86_64.json', 'libvulkan_radeon.so');
    expect(whyNoHardwareAdapter(facts({ devices: ['/dev/dri/renderD128'], icds: [radeon, LAVAPIPE] }), 'none'))
      .toBe('/dev/dri/renderD128 present, but the Vulkan drivers (radeon_icd.x86_64.json) offered no adapter for it: Dawn found no adapter');
    expect(whyNoHardwareAdapter(facts({ devices: ['/dev/dri/renderD128'] }), llvmpipe))
      .toBe('/dev/dri/renderD128 present, but no Vulkan driver for the GPU (only software ones): Dawn offered only a software adapter (llvmpipe (LLVM 15.0.6))');
  });

  it('nothing to say when Dawn offered a hardware adapter', () => {
    expect(whyNoHardwareAdapter(facts({ devices: ['/dev/nvidia0'] }), { adapter: 'NVIDIA H100 80GB HBM3', software: false })).toBeUndefined();
  });
});

describe('the machine\'s facts', () => {
  it('reads the manifests the loader would (VK_DRIVER_FILES, else XDG folders) and finds their libraries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-gpu-'));
    mkdirSync(join(dir, 'share/vulkan/icd.d'), { recursive: true });
    mkdirSync(join(dir, 'lib'));
    const manifest = (library: string) => JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: library, api_version: '1.3.0' } });
    writeFileSync(join(dir, 'share/vulkan/icd.d/nvidia_icd.json'), manifest('libGLX_nvidia.so.0'));
    writeFileSync(join(dir, 'share/vulkan/icd.d/broken.json'), '{');
    writeFileSync(join(dir, 'lib/libGLX_nvidia.so.0'), '');
    const env = { XDG_DATA_DIRS: join(dir, 'share'), XDG_CONFIG_DIRS: join(dir, 'none'), XDG_DATA_HOME: join(dir, 'none'), LD_LIBRARY_PATH: join(dir, 'lib') };
    const found = gpuFacts(env).icds.filter((i) => i.path.startsWith(dir));
    expect(found).toEqual([
      { path: join(dir, 'share/vulkan/icd.d/broken.json'), library: '', libraryFound: false },
      { path: join(dir, 'share/vulkan/icd.d/nvidia_icd.json'), library: 'libGLX_nvidia.so.0', libraryFound: true },
    ]);
    writeFileSync(join(dir, 'relative.json'), manifest('./lib/libGLX_nvidia.so.0'));
    expect(gpuFacts({ ...env, VK_DRIVER_FILES: join(dir, 'relative.json') }).icds).toEqual([{ path: join(dir, 'relative.json'), library: join(dir, 'lib/libGLX_nvidia.so.0'), libraryFound: true }]);
    writeFileSync(join(dir, 'gone.json'), manifest('libnot_there.so.1'));
    const listed = gpuFacts({ ...env, VK_DRIVER_FILES: join(dir, 'gone.json'), NVIDIA_DRIVER_CAPABILITIES: 'compute' });
    expect(listed.icds).toEqual([{ path: join(dir, 'gone.json'), library: 'libnot_there.so.1', libraryFound: false }]);
    expect(listed.containerCapabilities).toBe('compute');
  });
});
