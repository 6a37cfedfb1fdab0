// Preloaded into the training runs the bench starts (node --import): prints
// the process's peak resident set size to stderr when it exits, as one line
// `lenet-lab-bench peak-rss-kb N` that bench/classic.ts reads.

process.on("exit", () => {
  process.stderr.write(`\nlenet-lab-bench peak-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
