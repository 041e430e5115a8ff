// Preloaded (`node -r`) by bench/p7-cache.mjs into `shifterflow run --dry-run`: how long the process
// ran after Node's own start-up (from here, before the CLI bundle is loaded, to exit), i.e.
// shifterflow's own work, without the cost of starting node itself; and the CPU time it took (less
// sensitive than wall time to the other processes on a shared machine), and when it passed each of the
// dry run's marks (performance.mark('shifterflow:...'): memo read, inputs checked, image ids known,
// decided), in ms from here. One line on stderr at exit.
'use strict';
const start = performance.now();
const cpuStart = process.cpuUsage();
process.on('exit', () => {
  const cpu = process.cpuUsage(cpuStart);
  const marks = Object.fromEntries(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('shifterflow:')).map((m) => [m.name.slice(12), m.startTime - start]));
  process.stderr.write(`\np7-clock ${JSON.stringify({ nodeStart: start, own: performance.now() - start, cpu: (cpu.user + cpu.system) / 1000, marks })}\n`);
});
