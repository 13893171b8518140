// The worker thread's entry: the worker itself is TypeScript, loaded through tsx's API because
// a worker's --import flags do not reliably register loader hooks before its entry module runs.
import { register } from 'tsx/esm/api';

register();
await import('./pglite-worker.ts');
