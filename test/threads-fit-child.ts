// Child of test/threads.test.ts: the wasm backend's pool narrowed to one thread for small
// work and widened again for large, with results unchanged; prints what it saw as JSON.
import * as tf from '@tensorflow/tfjs';
import { fitWasmThreads, selectBackend } from '../runtime/backend.js';

await selectBackend('wasm');
const count = () => (tf.backend() as unknown as { wasm: { tfjs: { getThreadsCount(): number } } }).wasm.tfjs.getThreadsCount();
const x = tf.randomNormal([8, 20, 20, 16], 0, 1, 'float32', 1) as tf.Tensor4D;
const f = tf.randomNormal([3, 3, 16, 32], 0, 1, 'float32', 2) as tf.Tensor4D;
const conv = () => Array.from(tf.conv2d(x, f, 1, 'same').dataSync());
const started = count(), before = conv();
const small = fitWasmThreads(1e5), afterSmall = count(), narrowed = conv();
const again = fitWasmThreads(1e5);
const large = fitWasmThreads(1e9), afterLarge = count(), widened = conv();
process.stdout.write(JSON.stringify({ started, small, afterSmall, again: again ?? null, large, afterLarge, same: JSON.stringify(narrowed) === JSON.stringify(before) && JSON.stringify(widened) === JSON.stringify(before) }));
