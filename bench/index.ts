// `npm run bench`: every benchmark, figures printed side by side in one run.
// `npm run bench -- check`, `-- start`, `-- train`, `-- compile`, `-- lsp` or `-- dream` runs one part; `-- gpu [SECONDS]`
// compares webgpu with wasm and cpu (not in the default run: it needs an adapter), within a time budget if given; `-- pytorch` the
// PyTorch back end (one process, torchrun ×2) with the interpreter on wasm; `-- stream` the peak
// memory of training on streamed CSV files of 20 and 200 MB (not in the default run: it writes
// 220 MB and takes minutes); `-- digits [--fashion] PNG|GAN-FOLDER...`
// scores generated digit grids and `-- words TXT...` generated text (not part of the default
// run: they need the generated files); `-- pathological [name regex] [runs]` issue 22's
// pathological inputs through every phase (not in the default run: minutes).
import { benchCheck } from './check.js';
import { benchCompile } from './compile.js';
import { benchDigits } from './digits.js';
import { benchDream } from './dream.js';
import { benchGpu } from './gpu.js';
import { benchLsp } from './lsp.js';
import { benchPathological } from './pathological.js';
import { benchPytorch } from './pytorch.js';
import { benchStart } from './start.js';
import { benchStream } from './stream.js';
import { benchWords } from './words.js';
import { benchTrain } from './train.js';

const only = process.argv[2];
if (!only || only === 'check') await benchCheck();
if (!only || only === 'start') await benchStart();
if (!only || only === 'train') await benchTrain();
if (!only || only === 'compile') benchCompile();
if (!only || only === 'lsp') await benchLsp();
if (!only || only === 'dream') await benchDream();
if (only === 'stream') benchStream();
if (only === 'pathological') await benchPathological(process.argv[3], Number(process.argv[4] ?? 3));
if (only === 'gpu') await benchGpu(process.argv[3] ? Number(process.argv[3]) : undefined);
if (only === 'pytorch') await benchPytorch();
if (only === 'digits') await benchDigits(process.argv.slice(3));
if (only === 'words') benchWords(process.argv.slice(3));
