// What a GPU machine offers nnc's webgpu backend, then `bench -- gpu` within a time budget:
// the machine's GPU facts (runtime/gpu.ts), every adapter Dawn offers, what `auto` picks and
// why, and samples/s on webgpu vs wasm vs cpu. scripts/gpu-check.sh runs it (bundled by
// scripts/gpu-pack.sh, so that it needs no node_modules there); here `npx tsx
// bench/gpu-check.ts [SECONDS] [--probe | --bench]` runs it as is (--probe: the probe alone,
// --bench: the bench alone).
import { describeAdapter, selectBackend } from '../runtime/backend.js';
import { gpuFacts, whyNoHardwareAdapter } from '../runtime/gpu.js';
import { benchGpu } from './gpu.js';

const args = process.argv.slice(2);
const budget = Number(args.find((a) => /^\d+$/.test(a)) ?? 180);

/** The facts, Dawn's adapters and a verdict, and what auto picks. */
async function probe(): Promise<void> {
  const facts = gpuFacts();
  console.log('## GPU facts (runtime/gpu.ts)');
  console.log(`devices: ${facts.devices.join(', ') || 'none'}`);
  console.log(`Vulkan loader: ${facts.loader ?? 'none (libvulkan.so.1)'}`);
  for (const i of facts.icds) console.log(`driver manifest: ${i.path} → ${i.library || '(no library named)'}${i.libraryFound ? '' : i.libraryElsewhere ? ` (library only in ${i.libraryElsewhere}, outside the linker's folders)` : ' (library not found)'}`);
  for (const p of facts.strayNvidiaIcds) console.log(`NVIDIA manifest outside the loader's folders: ${p}`);
  if (facts.containerCapabilities !== undefined) console.log(`NVIDIA_DRIVER_CAPABILITIES=${facts.containerCapabilities}`);

  console.log('\n## Dawn adapters');
  let hardware: string | undefined;
  let software: string | undefined;
  try {
    const dawn = await import('webgpu');
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    const asks: [string, GPURequestAdapterOptions][] = [['high-performance', { powerPreference: 'high-performance' }], ['low-power', { powerPreference: 'low-power' }], ['fallback', { forceFallbackAdapter: true }]];
    for (const [label, options] of asks) {
      const adapter = await gpu.requestAdapter(options).catch(() => null);
      if (!adapter) {
        console.log(`${label}: none`);
        continue;
      }
      const { info } = adapter;
      const { name, software: isSoftware } = describeAdapter(adapter);
      if (isSoftware) software ??= name;
      else hardware ??= name;
      console.log(`${label}: ${name} (vendor ${info.vendor || '?'}, architecture ${info.architecture || '?'}, device ${info.device || '?'}${isSoftware ? ', software' : ''}); max buffer ${(adapter.limits.maxBufferSize / 2 ** 20).toFixed(0)} MiB, ${adapter.features.size} features`);
    }
  } catch (err) {
    console.log(`Dawn could not start: ${(err as Error).message.split('\n')[0]}`);
  }
  const verdict = hardware ? undefined : whyNoHardwareAdapter(facts, software ? { adapter: software, software: true } : 'none');
  console.log(hardware ? `verdict: Dawn sees the GPU (${hardware})` : `verdict: no hardware adapter: ${verdict}`);

  console.log('\n## what auto picks');
  const picked = await selectBackend('auto');
  console.log(`backend: ${picked.name} (${picked.detail})`);
  if (picked.passedOver?.length) console.log(`  auto passed over ${picked.passedOver.join('; ')}`);
}

if (!args.includes('--bench')) await probe();
if (!args.includes('--probe')) await benchGpu(budget);
process.exit(0);
