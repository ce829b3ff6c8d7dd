// Required into a benchmarked process (`node --require bench/cpu-report.js …`): at exit it writes
// the process's own CPU time (user + system) to stderr, one marked line bench/run.ts reads back.
process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\n__llm_stack_cpu_ms=${((user + system) / 1000).toFixed(1)}\n`);
});
