import { readFile, rm, writeFile } from 'node:fs/promises';

/**
 * Claims the folder `dir` for this process with the file `<dir>.lock` beside it (never inside:
 * the folder is PostgreSQL's own). PGlite takes no lock of its own, and two processes writing one
 * data folder corrupt it; a lock left by a process that no longer runs is taken over.
 * Returns the function that releases the claim.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const file = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return async () => {
        // Only our own claim is removed; a newer owner's file stays.
        if ((await readFile(file, 'utf8').catch(() => '')).trim() === String(process.pid)) await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
      throw new Error(`${dir} is in use by another cloud process (pid ${owner}); stop it first, or set DATA_DIR or DATABASE_URL`);
    }
    await rm(file, { force: true });
  }
  throw new Error(`could not claim ${dir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
