/** The pool of fetch-read buffers (src/util/buffer-pool.ts), one per process, shared by all logs. */
import { BufferPool } from '../util/buffer-pool';

export { BufferPool as ReadBufferPool } from '../util/buffer-pool';

export const sharedReadBufferPool = new BufferPool();
