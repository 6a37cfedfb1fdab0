// Element-wise activation functions: the one switch LeNet-5 uses at conv1,
// conv2, fc1 and fc2. Each is a forward/backward pair over n elements.
// Forward overwrites out; backward accumulates (+=) into dinp and may use the
// stored input or output, whichever its derivative is cheaper in.
//
//   relu        y = max(0, x)                      y' = 1 if x > 0 else 0
//   sigmoid     y = 1 / (1 + e^-x)                 y' = y (1 - y)   ≤ 1/4: gradients shrink
//                                                                    through every layer (vanishing)
//   tanh        y = tanh x                         y' = 1 - y²
//   leaky-relu  y = x if x > 0 else 0.01 x         y' = 1 or 0.01
//   elu         y = x if x > 0 else e^x - 1        y' = 1 or y + 1
//   gelu        y = x Φ(x)  (exact, erf form)      y' = Φ(x) + x φ(x)

import { FloatArray } from "../float-array.js";

export const ACTIVATIONS = ["relu", "sigmoid", "tanh", "leaky-relu", "elu", "gelu"] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export const LEAKY_RELU_SLOPE = 0.01;
export const ELU_ALPHA = 1;

export function isActivationName(name: string): name is ActivationName {
  return (ACTIVATIONS as readonly string[]).includes(name);
}

export function activationForward(kind: ActivationName, out: FloatArray, inp: FloatArray, n: number): void {
  switch (kind) {
    case "relu":
      for (let k = 0; k < n; k++) { const x = inp[k]; out[k] = x > 0 ? x : 0; }
      return;
    case "sigmoid":
      for (let k = 0; k < n; k++) out[k] = sigmoid(inp[k]);
      return;
    case "tanh":
      for (let k = 0; k < n; k++) out[k] = Math.tanh(inp[k]);
      return;
    case "leaky-relu":
      for (let k = 0; k < n; k++) { const x = inp[k]; out[k] = x > 0 ? x : LEAKY_RELU_SLOPE * x; }
      return;
    case "elu":
      for (let k = 0; k < n; k++) { const x = inp[k]; out[k] = x > 0 ? x : ELU_ALPHA * Math.expm1(x); }
      return;
    case "gelu":
      for (let k = 0; k < n; k++) { const x = inp[k]; out[k] = x * normalCdf(x); }
      return;
  }
}

/** dinp += dout · f'(inp); `out` is forward's output for the same input. */
export function activationBackward(
  kind: ActivationName,
  dinp: FloatArray,
  dout: FloatArray,
  inp: FloatArray,
  out: FloatArray,
  n: number,
): void {
  switch (kind) {
    case "relu":
      for (let k = 0; k < n; k++) if (inp[k] > 0) dinp[k] += dout[k];
      return;
    case "sigmoid":
      for (let k = 0; k < n; k++) { const y = out[k]; dinp[k] += dout[k] * y * (1 - y); }
      return;
    case "tanh":
      for (let k = 0; k < n; k++) { const y = out[k]; dinp[k] += dout[k] * (1 - y * y); }
      return;
    case "leaky-relu":
      for (let k = 0; k < n; k++) dinp[k] += inp[k] > 0 ? dout[k] : LEAKY_RELU_SLOPE * dout[k];
      return;
    case "elu":
      for (let k = 0; k < n; k++) dinp[k] += inp[k] > 0 ? dout[k] : dout[k] * (out[k] + ELU_ALPHA);
      return;
    case "gelu":
      for (let k = 0; k < n; k++) {
        const x = inp[k];
        dinp[k] += dout[k] * (normalCdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x));
      }
      return;
  }
}

export function sigmoid(x: number): number {
  // Written so that neither branch overflows: e^x is only taken for x < 0.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Φ(x), the standard normal CDF. */
export function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

/**
 * The error function, by Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7,
 * below float32's resolution for the values it feeds).
 */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-a * a));
}
