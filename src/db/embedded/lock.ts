/**
 * One process at a time on an embedded data directory: PGlite has no server
 * to arbitrate, and two processes writing one directory would corrupt it. A
 * lock file beside the directory names the process holding it; a lock left
 * by a process that is gone (killed) is taken over.
 */
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { processAlive } from "../../platform/process.ts";

export class DataDirInUse extends Error {
  override readonly name = "DataDirInUse";
  readonly pid: number;

  constructor(dataDir: string, holder: { pid: number; since: string }) {
    super(
      `the embedded database in ${dataDir} is in use by process ${holder.pid} (since ${holder.since}); one process at a time can open it`,
    );
    this.pid = holder.pid;
  }
}

interface Holder {
  pid: number;
  host: string;
  since: string;
}

function read(path: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(path, "utf8")) as Partial<Holder>;
    return typeof h.pid === "number" ? { pid: h.pid, host: String(h.host), since: String(h.since) } : null;
  } catch {
    return null;
  }
}

export const lockPathOf = (dataDir: string): string => `${dataDir.replace(/\/+$/, "")}.lock`;

/** Takes the directory for this process; throws DataDirInUse when a live process holds it. Returns the release. */
export function lockDataDir(dataDir: string): () => void {
  const path = lockPathOf(dataDir);
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: "wx" });
      return () => {
        if (read(path)?.pid === process.pid) unlinkSync(path);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = read(path);
      // Held by a live process of this machine (this one included): refuse. Otherwise the holder is gone.
      if (holder && holder.host === hostname() && processAlive(holder.pid)) throw new DataDirInUse(dataDir, holder);
      unlinkSync(path);
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
