// The runtime's stand-ins for tfjs-layers classes (fused recurrent, conv and dense layers)
// take the stock class's name and are registered under it, so saved models name the stock
// class (tf.loadLayersModel reads them anywhere) and every model nnc deserialises gets the
// stand-in.
import { registerClass } from '../kernels/tfjs-internals.js';

export function registerAsStock(standIn: object, stock: object): void {
  Object.defineProperty(standIn, 'className', { value: (stock as { className: string }).className });
  registerClass(standIn);
}
