// `npm run bench`: every benchmark, figures printed side by side in one run.
import { benchCheck } from './check.js';

benchCheck();
