// Optimizer updates over the flat parameter buffer, four lanes at a time: the
// WebAssembly twins of the sgd and adam/adamw rules in src/optim/optimizers.ts
// (PyTorch's formulas). Scalars that depend on the step count (bias
// corrections) are computed by the caller in double precision and passed in.
//
//   sgd    p ← p − lr·g
//   adam   p ← p − lr·λ·p (adamw only; decay = lr·λ, else 0)
//          m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
//          p ← p − stepSize · m / (√v / √(1−β2^t) + ε),   stepSize = lr / (1−β1^t)

export function sgdStep(p: usize, g: usize, n: i32, lr: f32): void {
  const rate = f32x4.splat(lr);
  const vectorBytes = <usize>(n & ~3) * 4;
  const bytes = <usize>n * 4;
  let k: usize = 0;
  for (; k < vectorBytes; k += 16) v128.store(p + k, f32x4.sub(v128.load(p + k), f32x4.mul(rate, v128.load(g + k))));
  for (; k < bytes; k += 4) store<f32>(p + k, load<f32>(p + k) - lr * load<f32>(g + k));
}

export function adamStep(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  stepSize: f32, beta1: f32, beta2: f32, sqrtCorrection2: f32, epsilon: f32, decay: f32,
): void {
  const vectorBytes = <usize>(n & ~3) * 4;
  const bytes = <usize>n * 4;
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(1 - beta1);
  const b2 = f32x4.splat(beta2), c2 = f32x4.splat(1 - beta2);
  const step = f32x4.splat(stepSize), correction = f32x4.splat(sqrtCorrection2), eps = f32x4.splat(epsilon);
  const keep = f32x4.splat(1 - decay);
  let k: usize = 0;
  for (; k < vectorBytes; k += 16) {
    const gk = v128.load(g + k);
    const mk = f32x4.add(f32x4.mul(b1, v128.load(m + k)), f32x4.mul(c1, gk));
    const vk = f32x4.add(f32x4.mul(b2, v128.load(v + k)), f32x4.mul(c2, f32x4.mul(gk, gk)));
    v128.store(m + k, mk);
    v128.store(v + k, vk);
    let pk = v128.load(p + k);
    if (decay != 0) pk = f32x4.mul(pk, keep);
    const denominator = f32x4.add(f32x4.div(f32x4.sqrt(vk), correction), eps);
    v128.store(p + k, f32x4.sub(pk, f32x4.div(f32x4.mul(step, mk), denominator)));
  }
  for (; k < bytes; k += 4) {
    const gk = load<f32>(g + k);
    const mk = beta1 * load<f32>(m + k) + (1 - beta1) * gk;
    const vk = beta2 * load<f32>(v + k) + (1 - beta2) * gk * gk;
    store<f32>(m + k, mk);
    store<f32>(v + k, vk);
    let pk = load<f32>(p + k);
    if (decay != 0) pk = pk * (1 - decay);
    store<f32>(p + k, pk - (stepSize * mk) / (Mathf.sqrt(vk) / sqrtCorrection2 + epsilon));
  }
}

/** dst[k] += src[k] for k in [0, n): the gradient reduction across threads. */
export function addInto(dst: usize, src: usize, n: i32): void {
  const vectorBytes = <usize>(n & ~3) * 4;
  const bytes = <usize>n * 4;
  let k: usize = 0;
  for (; k < vectorBytes; k += 16) v128.store(dst + k, f32x4.add(v128.load(dst + k), v128.load(src + k)));
  for (; k < bytes; k += 4) store<f32>(dst + k, load<f32>(dst + k) + load<f32>(src + k));
}

/** Sets `bytes` bytes from p to zero. */
export function zeroBytes(p: usize, bytes: i32): void {
  memory.fill(p, 0, <usize>bytes);
}

/**
 * The index of the first value of p[0, n) that is NaN or infinite, or −1:
 * x·0 is 0 for every finite x and NaN otherwise, summed over blocks of 64
 * values; a block whose sum is not 0 is searched value by value.
 */
export function firstNonFinite(p: usize, n: i32): i32 {
  const zero = f32x4.splat(0);
  const blocks = n & ~63;
  for (let start = 0; start < blocks; start += 64) {
    let sum = zero;
    const base = p + (<usize>start << 2);
    for (let k: usize = 0; k < 256; k += 16) sum = f32x4.add(sum, f32x4.mul(v128.load(base + k), zero));
    if (v128.any_true(f32x4.ne(sum, zero))) return firstInBlock(p, start, start + 64);
  }
  return firstInBlock(p, blocks, n);
}

function firstInBlock(p: usize, from: i32, to: i32): i32 {
  for (let i = from; i < to; i++) {
    if (load<f32>(p + (<usize>i << 2)) * 0 != 0) return i;
  }
  return -1;
}
