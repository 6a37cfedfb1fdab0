#!/usr/bin/env python3
"""The same LeNet-5 workload in PyTorch, for `npm run bench` to compare against.

What it is
    Times, on the CPU, what bench/run.ts times for lenet-lab's engine: training
    steps at batch 64 (relu + Adam, sigmoid + plain SGD; fill batch, forward,
    loss, backward, optimizer step), forward-only evaluation of the 10,000 test
    images in batches of 500, and optionally the classic experiment (relu and
    sigmoid, Adam, lr 0.01, 2000 iterations, the whole test set evaluated every
    50 iterations and after the last). The network, the data (the same MNIST
    IDX files, scaled to [0, 1] and zero-padded to 32x32) and the batch sizes
    are lenet-lab's. Prints one JSON object on stdout.

What it is not
    Not a test and not a reference for values: only wall-clock numbers.

How to run
    /usr/bin/python3 bench/pytorch_lenet.py MNIST_DIR [--threads N] [--quick] [--classic] [--no-throughput]
    (npm run bench runs it itself when /usr/bin/python3 has torch.)
"""

import argparse
import gzip
import json
import os
import resource
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

EVAL_BATCH = 500


def read_idx(directory, base):
    path = os.path.join(directory, base)
    if not os.path.exists(path):
        path += ".gz"
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def padded_images(images):
    """uint8 [N, 28, 28] -> float32 [N, 1, 32, 32] in [0, 1], zero-padded by 2."""
    out = np.zeros((images.shape[0], 1, 32, 32), dtype=np.float32)
    out[:, 0, 2:30, 2:30] = images.astype(np.float32) / 255.0
    return torch.from_numpy(out)


class LeNet5(nn.Module):
    def __init__(self, activation):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        self.act = torch.relu if activation == "relu" else torch.sigmoid
        for layer in (self.conv1, self.conv2, self.fc1, self.fc2, self.fc3):
            nn.init.trunc_normal_(layer.weight, 0.0, 0.1, -0.2, 0.2)
            nn.init.zeros_(layer.bias)

    def forward(self, x):
        x = F.max_pool2d(self.act(self.conv1(x)), 2)
        x = F.max_pool2d(self.act(self.conv2(x)), 2)
        x = x.flatten(1)
        x = self.act(self.fc1(x))
        x = self.act(self.fc2(x))
        return self.fc3(x)


class Data:
    """The training set as uint8 (batches are scaled and padded per step, as lenet-lab does) and the padded test set."""

    def __init__(self, directory):
        self.train_images = read_idx(directory, "train-images-idx3-ubyte")
        self.train_labels = torch.from_numpy(read_idx(directory, "train-labels-idx1-ubyte").astype(np.int64))
        self.test_images = padded_images(read_idx(directory, "t10k-images-idx3-ubyte"))
        self.test_labels = torch.from_numpy(read_idx(directory, "t10k-labels-idx1-ubyte").astype(np.int64))
        self.order = np.random.default_rng(1).permutation(len(self.train_images))
        self.position = 0

    def next_batch(self, size):
        if self.position + size > len(self.order):
            self.position = 0
        index = self.order[self.position:self.position + size]
        self.position += size
        return padded_images(self.train_images[index]), self.train_labels[index]


def make_optimizer(name, model, lr):
    if name == "adam":
        return torch.optim.Adam(model.parameters(), lr=lr)
    return torch.optim.SGD(model.parameters(), lr=lr)


def train_step(model, optimizer, data, batch):
    x, y = data.next_batch(batch)
    optimizer.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return loss


def evaluate(model, data):
    correct = 0
    total_loss = 0.0
    with torch.no_grad():
        for start in range(0, len(data.test_labels), EVAL_BATCH):
            x = data.test_images[start:start + EVAL_BATCH]
            y = data.test_labels[start:start + EVAL_BATCH]
            logits = model(x)
            total_loss += F.cross_entropy(logits, y, reduction="sum").item()
            correct += (logits.argmax(1) == y).sum().item()
    return correct / len(data.test_labels), total_loss / len(data.test_labels)


def bench_training(data, activation, optimizer_name, steps, batch=64):
    torch.manual_seed(1)
    model = LeNet5(activation)
    optimizer = make_optimizer(optimizer_name, model, 0.01)
    for _ in range(30):
        train_step(model, optimizer, data, batch)
    cpu = time.process_time()
    start = time.perf_counter()
    for _ in range(steps):
        train_step(model, optimizer, data, batch)
    seconds = time.perf_counter() - start
    return {"name": f"train {activation}+{optimizer_name} b{batch}", "imagesPerSecond": steps * batch / seconds,
            "seconds": seconds, "images": steps * batch, "cpuSeconds": time.process_time() - cpu}


def bench_evaluation(data, activation, passes):
    torch.manual_seed(1)
    model = LeNet5(activation)
    evaluate(model, data)
    cpu = time.process_time()
    start = time.perf_counter()
    for _ in range(passes):
        evaluate(model, data)
    seconds = time.perf_counter() - start
    images = passes * len(data.test_labels)
    return {"name": f"eval {activation} (test set)", "imagesPerSecond": images / seconds, "seconds": seconds, "images": images,
            "cpuSeconds": time.process_time() - cpu}


def classic_run(data, activation, iterations=2000, eval_every=50, batch=64):
    """One run of the classic experiment: Adam, lr 0.01; returns its wall time and final test accuracy."""
    torch.manual_seed(0)
    start = time.perf_counter()
    model = LeNet5(activation)
    optimizer = make_optimizer("adam", model, 0.01)
    accuracy = 0.0
    for iteration in range(1, iterations + 1):
        model.train()
        train_step(model, optimizer, data, batch)
        if iteration % eval_every == 0 or iteration == iterations:
            model.eval()
            accuracy, _ = evaluate(model, data)
    return {"activation": activation, "seconds": time.perf_counter() - start, "testAccuracy": accuracy}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mnist_dir")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--classic", action="store_true", help="also time the classic experiment (relu and sigmoid runs)")
    parser.add_argument("--no-throughput", dest="throughput", action="store_false", help="skip the throughput measurements")
    args = parser.parse_args()

    data = Data(args.mnist_dir)
    steps = 60 if args.quick else 300
    passes = 1 if args.quick else 3
    results = {}
    for threads in sorted({1, args.threads}) if args.throughput else []:
        torch.set_num_threads(threads)
        results[threads] = [
            bench_training(data, "relu", "adam", steps),
            bench_training(data, "sigmoid", "sgd", steps),
            bench_evaluation(data, "relu", passes),
            bench_evaluation(data, "sigmoid", passes),
        ]
    torch.set_num_threads(args.threads)
    classic = None
    if args.classic:
        runs = [classic_run(data, "relu"), classic_run(data, "sigmoid")]
        classic = {"seconds": sum(r["seconds"] for r in runs), "runs": runs}
    print(json.dumps({
        "torch": torch.__version__,
        "threads": args.threads,
        "results": {str(k): v for k, v in results.items()},
        "classic": classic,
        "peakRssMB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))


if __name__ == "__main__":
    main()
