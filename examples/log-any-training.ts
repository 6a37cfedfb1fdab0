// lenet-lab's TensorBoard writer in a training loop that has nothing to do
// with LeNet: a line y = a·x + b fitted to noisy points by plain gradient
// descent, its loss, parameters and residuals logged for TensorBoard.
//
//   node log-any-training.js [LOGDIR]      then: tensorboard --logdir LOGDIR

import { SummaryWriter } from "lenet-lab/tensorboard";

const logdir = process.argv[2] ?? "runs/linear-regression";
const writer = new SummaryWriter(logdir);

// 200 points around y = 3x + 2, with a small seeded noise (a linear congruential generator).
let state = 12345;
const noise = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.2;
const xs = Array.from({ length: 200 }, (_, i) => i / 100 - 1);
const ys = xs.map((x) => 3 * x + 2 + noise());

let a = 0;
let b = 0;
const lr = 0.1;
writer.addText("setup", `fit y = a·x + b to ${xs.length} points by gradient descent, lr ${lr}`, 0);
for (let step = 1; step <= 300; step++) {
  const residuals = xs.map((x, i) => a * x + b - ys[i]!);
  const loss = residuals.reduce((sum, r) => sum + r * r, 0) / xs.length;
  const gradA = (2 / xs.length) * residuals.reduce((sum, r, i) => sum + r * xs[i]!, 0);
  const gradB = (2 / xs.length) * residuals.reduce((sum, r) => sum + r, 0);
  a -= lr * gradA;
  b -= lr * gradB;
  writer.addScalar("loss", loss, step);
  writer.addScalars("parameters", { a, b }, step);
  if (step % 50 === 0) writer.addHistogram("residuals", residuals, step);
}
writer.addHparams({ lr, points: xs.length }, { "hparams/a": a, "hparams/b": b });
writer.close();

console.log(JSON.stringify({ a, b, logdir }));
