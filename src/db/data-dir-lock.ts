import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { z } from 'zod';

/**
 * One process per embedded database folder. Two PGlite instances on one folder each believe
 * they own the files: writes of one vanish and indexes tear (issue 6). The owner holds an
 * exclusive kernel lock (fcntl open-file-description lock on Linux, flock on macOS) on
 * DATA_DIR/owner.lock for its lifetime. The kernel drops it when the process ends, however it
 * ends, so a crash never leaves the folder locked and no pid or timestamp has to be guessed.
 */
export const LOCK_FILE = 'owner.lock';

const holderSchema = z.object({
  pid: z.number().int(),
  kind: z.enum(['server', 'cli']),
  startedAt: z.string(),
  command: z.string().optional(),
  url: z.string().optional(),
  socket: z.string().optional(),
});
/** Who holds a folder, as it wrote itself into the lock file. */
export type LockHolder = z.infer<typeof holderSchema>;
export type LockOwner = Pick<LockHolder, 'kind' | 'command'>;

export interface DataDirLock {
  readonly dataDir: string;
  readonly holder: LockHolder;
  /** Adds what others should know (the server's URL, its control socket) to the lock file. */
  update(patch: Partial<Pick<LockHolder, 'url' | 'socket'>>): void;
  /** Takes group and other permissions off everything in the folder (see makePrivate). */
  tighten(): void;
  release(): void;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      `the embedded database in ${dataDir} is in use by ${describeHolder(holder)}. ` +
        'One process at a time may open it: stop that process, or give this one another DATA_DIR (or a DATABASE_URL).',
    );
    this.name = 'DataDirLockedError';
  }
}

export function describeHolder(h: LockHolder | undefined): string {
  if (!h) return 'another process (it has not written its name yet)';
  const what = h.kind === 'server' ? 'a server' : `the CLI${h.command ? ` running "${h.command}"` : ''}`;
  const where = [h.url && `serving ${h.url}`, h.socket && `control socket ${h.socket}`].filter(Boolean).join(', ');
  return `${what} (pid ${h.pid}, started ${h.startedAt}${where ? `, ${where}` : ''})`;
}

// A fixed-size record rewritten in place: a reader never sees the file shrink mid-update.
const RECORD_BYTES = 4096;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Makes `dataDir` private and takes its lock, or throws DataDirLockedError naming the holder.
 * From here on this process creates files 0600 and folders 0700 (umask 077, per process, so it
 * covers PGlite's worker thread too); tighten() mends the modes PGlite sets explicitly.
 */
export async function lockDataDir(dataDir: string, owner: LockOwner): Promise<DataDirLock> {
  // Loaded here, not at import: processes on PostgreSQL never need the native addon.
  const { tryLock } = await import('fs-native-extensions');
  const dir = resolve(dataDir);
  if (isMainThread) process.umask(0o077);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, LOCK_FILE);
  for (let attempt = 1; ; attempt++) {
    const fd = openSync(file, constants.O_RDWR | constants.O_CREAT | O_NOFOLLOW, 0o600);
    let locked = false;
    try {
      locked = tryLock(fd);
    } finally {
      if (!locked) closeSync(fd);
    }
    if (!locked) throw new DataDirLockedError(dir, await readHolder(dir));
    // The lock guards the file we opened; if the path was removed or replaced meanwhile (by
    // hand: we never delete it), another process could lock the new file too. Start again.
    const opened = fstatSync(fd);
    const current = statOrUndefined(file);
    if (!current || current.ino !== opened.ino || current.dev !== opened.dev) {
      closeSync(fd);
      if (attempt < 3) continue;
      throw new Error(`${file} keeps being replaced while this process locks it`);
    }
    const holder: LockHolder = {
      pid: process.pid,
      kind: owner.kind,
      startedAt: new Date().toISOString(),
      ...(owner.command ? { command: owner.command } : {}),
    };
    writeRecord(fd, holder);
    makePrivate(dir);
    let released = false;
    return {
      dataDir: dir,
      holder,
      update(patch) {
        if (released) return;
        Object.assign(holder, patch);
        writeRecord(fd, holder);
      },
      tighten: () => makePrivate(dir),
      release() {
        if (released) return;
        released = true;
        // The file stays (deleting a lock file races with a process that just opened it);
        // emptied, it names no one. Closing the descriptor drops the lock.
        try {
          ftruncateSync(fd, 0);
        } finally {
          closeSync(fd);
        }
      },
    };
  }
}

function writeRecord(fd: number, holder: LockHolder): void {
  const json = Buffer.from(`${JSON.stringify(holder)}\n`);
  const record = Buffer.alloc(Math.max(RECORD_BYTES, json.length), ' ');
  json.copy(record);
  writeSync(fd, record, 0, record.length, 0);
}

/**
 * The holder named in the lock file. A process that has just taken the lock writes its name a
 * moment later, so an empty, unreadable or dead holder is read again a few times first (a live
 * holder in another pid namespace looks dead from here: its record is returned in the end).
 */
export async function readHolder(dataDir: string): Promise<LockHolder | undefined> {
  const file = join(resolve(dataDir), LOCK_FILE);
  let found: LockHolder | undefined;
  for (let i = 0; i < 10; i++) {
    try {
      const parsed = holderSchema.safeParse(JSON.parse(readFileSync(file, 'utf8').trim()));
      found = parsed.success ? parsed.data : undefined;
    } catch {
      found = undefined;
    }
    if (found && alive(found.pid)) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function statOrUndefined(path: string, noFollow = false) {
  try {
    return noFollow ? lstatSync(path) : statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Takes group and other permissions off the folder and everything in it. The umask covers the
 * files this process creates, but PGlite sets some modes itself (0666 on the data directory it
 * unpacks at first start, and on pg_internal.init), and folders made by older versions are
 * 0755/0644. Only entries that need it are changed.
 */
function makePrivate(dir: string): void {
  const walk = (path: string) => {
    const st = statOrUndefined(path, true);
    // Gone since it was listed, or a link (whose target is not ours to change).
    if (!st || st.isSymbolicLink()) return;
    if (st.mode & 0o077) chmodSync(path, st.mode & 0o7700);
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
}
