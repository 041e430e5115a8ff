// Preloaded (`node -r`) by bench/p7-cache.mjs into `shifterflow run --dry-run`: how long the process
// ran after Node's own start-up (from here, before the CLI bundle is loaded, to exit), i.e.
// shifterflow's own work, without the cost of starting node itself; and the CPU time it took (less
// sensitive than wall time to the other processes on a shared machine). One line on stderr at exit.
'use strict';
const start = performance.now();
const cpuStart = process.cpuUsage();
process.on('exit', () => {
  const cpu = process.cpuUsage(cpuStart);
  process.stderr.write(`\np7-clock ${JSON.stringify({ nodeStart: start, own: performance.now() - start, cpu: (cpu.user + cpu.system) / 1000 })}\n`);
});
