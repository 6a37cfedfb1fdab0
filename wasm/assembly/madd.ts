// acc + x·y in each f32 lane: the one operation every product in the
// convolutions and the dense layers is made of.
//
// The module is built twice from the same source (wasm/asconfig.json): the
// plain build multiplies, rounds, adds and rounds again; the relaxed-SIMD
// build uses relaxed_madd, which V8 compiles to one fused multiply-add
// (rounded once) on CPUs that have FMA, as every x86-64 since 2013 and every
// 64-bit ARM does. The loader picks the relaxed build where the runtime can
// run it (src/engine/wasm/kernels.ts). The sums are the same sums in the same
// order either way; only their rounding differs.

/** acc + x·y per lane: fused in the relaxed-SIMD build, two roundings in the plain one. */
@inline export function madd(acc: v128, x: v128, y: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, y, acc);
  return f32x4.add(acc, f32x4.mul(x, y));
}
