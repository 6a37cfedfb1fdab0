// Training LeNet-5 from code, with what the command line does not offer: a
// learning rate that halves every 200 iterations (a step decay), TensorBoard
// logging from the callbacks, and an early stop as soon as the test accuracy
// reaches 98 %.
//
//   node train-with-schedule.js [LOGDIR]      then: tensorboard --logdir LOGDIR (or npx lenet-lab board LOGDIR)

import { disposeNetwork, trainLeNet } from "lenet-lab";
import { SummaryWriter } from "lenet-lab/tensorboard";

const logdir = process.argv[2] ?? "runs/step-decay";
const writer = new SummaryWriter(logdir);

const result = await trainLeNet({
  activation: "relu",
  optimizer: "adam",
  iterations: 1000,
  evalEvery: 100,
  seed: 1,
  learningRate: (iteration) => 0.01 * 0.5 ** Math.floor((iteration - 1) / 200),
  onStep(step) {
    if (step.iteration % 10 !== 0) return;
    writer.addScalar("loss/train", step.loss, step.iteration);
    writer.addScalar("learning_rate", step.lr, step.iteration);
  },
  onEval(record) {
    writer.addScalar("accuracy/test", record.testAccuracy, record.iteration);
    writer.addScalar("loss/test", record.testLoss, record.iteration);
    if (record.testAccuracy >= 0.98) return "stop";
  },
});
writer.close();
await disposeNetwork(result.model);

console.log(JSON.stringify({ iterations: result.final.iteration, testAccuracy: result.final.testAccuracy, logdir }));
