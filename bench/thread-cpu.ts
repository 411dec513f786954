import { readFileSync } from 'node:fs';

/**
 * CPU this process spends from now on, split into its main thread and the rest (the writer thread, libuv's pool,
 * V8's helper threads): a shared machine moves rates a lot more than it moves these, so old/new comparisons read
 * them first.
 */
export function threadCpu(): { used(): { mainMs: number; otherMs: number } } {
  const main = mainThreadCpuMs();
  const all = process.cpuUsage();
  return {
    used() {
      const mainMs = mainThreadCpuMs() - main;
      const { user, system } = process.cpuUsage(all);
      return { mainMs, otherMs: Math.round((user + system) / 1000) - mainMs };
    },
  };
}

/**
 * CPU time of this process's main thread alone (Linux: /proc/self/task/<pid>/stat utime + stime, 10 ms ticks), not
 * of its worker threads as process.cpuUsage() would count; NaN elsewhere.
 */
export function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of proc(5), counted from the state field (3rd) on.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}
