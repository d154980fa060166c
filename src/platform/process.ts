/** Processes of this machine: who is alive, and how a process names itself to others. */
import { hostname } from "node:os";

/** True when a process with this pid runs on this machine (one we may not signal counts as alive). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** "<host>:<pid>", optionally with a suffix: how this process signs what it holds (a job run, outbox rows). */
export const processName = (suffix?: string): string => `${hostname()}:${process.pid}${suffix ? `:${suffix}` : ""}`;

/** True when `name` (from processName) is a process of this machine that is gone. */
export function deadOnThisMachine(name: string | null): boolean {
  if (!name) return false;
  const [host, pid] = name.split(":");
  return host === hostname() && Number(pid) !== process.pid && !processAlive(Number(pid));
}
