// `npm run bench`: every benchmark, figures printed side by side in one run.
// `npm run bench -- check`, `-- train` or `-- compile` runs one part.
import { benchCheck } from './check.js';
import { benchCompile } from './compile.js';
import { benchTrain } from './train.js';

const only = process.argv[2];
if (!only || only === 'check') benchCheck();
if (!only || only === 'train') await benchTrain();
if (!only || only === 'compile') benchCompile();
