// The trainable parameters of a network as one flat list.
//
// All values live in one Float32Array and all gradients in another; each
// Parameter is a named view (subarray) into both. Optimizers, histograms, NaN
// checks, checkpoints and TensorBoard tags walk this list and never
// special-case a layer. Layouts follow PyTorch's state_dict: conv weights
// [outChannels, inChannels, kH, kW], dense weights [out, in].

import { RandomStream } from "../util/random.js";

export interface Parameter {
  /** "conv1/weight", "fc3/bias", … (TensorBoard-style; see torchName for PyTorch's). */
  readonly name: string;
  readonly shape: readonly number[];
  /** View into ParameterSet.values. */
  readonly value: Float32Array;
  /** View into ParameterSet.grads; same length as value. */
  readonly grad: Float32Array;
  /** Weights are initialised from the truncated normal, biases start at 0. */
  readonly kind: "weight" | "bias";
}

export interface ParameterSpec {
  name: string;
  shape: number[];
  kind: "weight" | "bias";
}

export class ParameterSet {
  readonly values: Float32Array;
  readonly grads: Float32Array;
  readonly list: readonly Parameter[];
  private readonly byName: Map<string, Parameter>;

  /**
   * `storage`, when given, holds the values and gradients (e.g. views into a
   * WebAssembly memory) instead of fresh arrays; each must have the total size.
   */
  constructor(specs: readonly ParameterSpec[], storage?: { values: Float32Array; grads: Float32Array }) {
    const total = specs.reduce((sum, s) => sum + product(s.shape), 0);
    if (storage && (storage.values.length !== total || storage.grads.length !== total)) {
      throw new RangeError(`ParameterSet storage must hold ${total} values and gradients, ` +
        `got ${storage.values.length} and ${storage.grads.length}`);
    }
    this.values = storage?.values ?? new Float32Array(total);
    this.grads = storage?.grads ?? new Float32Array(total);
    const list: Parameter[] = [];
    let offset = 0;
    for (const spec of specs) {
      const size = product(spec.shape);
      list.push({
        name: spec.name,
        shape: [...spec.shape],
        kind: spec.kind,
        value: this.values.subarray(offset, offset + size),
        grad: this.grads.subarray(offset, offset + size),
      });
      offset += size;
    }
    this.list = list;
    this.byName = new Map(list.map((p) => [p.name, p]));
  }

  get(name: string): Parameter {
    const parameter = this.byName.get(name);
    if (!parameter) throw new Error(`no parameter named "${name}" (have: ${[...this.byName.keys()].join(", ")})`);
    return parameter;
  }

  get count(): number {
    return this.values.length;
  }

  zeroGrads(): void {
    this.grads.fill(0);
  }
}

/**
 * Weights from a normal(mean, std) truncated at two standard deviations (values
 * outside [mean - 2 std, mean + 2 std] are redrawn, as TensorFlow's
 * truncated_normal does); biases 0.
 */
export function initTruncatedNormal(params: ParameterSet, mean: number, std: number, random: RandomStream): void {
  for (const p of params.list) {
    if (p.kind === "bias") {
      p.value.fill(0);
      continue;
    }
    for (let i = 0; i < p.value.length; i++) {
      let z = random.nextNormal();
      while (z < -2 || z > 2) z = random.nextNormal();
      p.value[i] = mean + std * z;
    }
  }
}

/** "conv1/weight" → "conv1.weight", the key PyTorch's state_dict uses. */
export function torchName(name: string): string {
  return name.replace("/", ".");
}

export function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
