// A freshly trained run's own figures, made as soon as it finishes: its fc2
// maps (RUN_DIR/fc2) and its class figures (confusion.png, misclassified.png).
// `compare` asks for them while the grid's other runs still train, so they
// are drawn on the core the run freed instead of after the last run; the
// report then finds them made and draws only the rest, and its event files
// already read.
// Not here: what the figures show (fc2-runs.ts, class-runs.ts).

import { writeRunsClassFigures } from "./class-runs.js";
import { Fc2MapOptions, computeRunsFc2, drawsRunsAlone, writeRunsFc2 } from "./fc2-runs.js";
import { readRunEventsAhead } from "./run-data.js";

/**
 * Writes the run's fc2 maps and class figures, and reads its event files for
 * the report while the figure threads draw; throws what the first figure meets.
 */
export async function writeRunFigures(runDir: string, options: Fc2MapOptions): Promise<void> {
  if (!drawsRunsAlone(options)) throw new Error("a shared colour scale needs every run's maps at once; draw them with the report");
  const drawn = Promise.all([writeRunsFc2(computeRunsFc2([runDir], options), options), writeRunsClassFigures([runDir])]);
  readRunEventsAhead(runDir);
  await drawn;
}
