// MNIST-format images into network input, per thread: the WebAssembly twin of
// fillBatch in src/data/batches.ts. Each image is 28×28 uint8; each output is
// [1, 32, 32] f32, the pixels scaled to [0, 1] (value / 255, correctly rounded
// in f32, which equals the reference's float64 division rounded to f32 for
// every byte value) with a zero border of 2.

const SIDE = 28;
const PADDED = 32;
const PAD = 2;

/** out[b] (32×32 f32) from src[b] (28×28 uint8) for b in [0, count). */
export function padImages(out: usize, src: usize, count: i32): void {
  const scale = f32x4.splat(255);
  for (let b = 0; b < count; b++) {
    const image = src + <usize>(b * SIDE * SIDE);
    const padded = out + <usize>(b * PADDED * PADDED) * 4;
    memory.fill(padded, 0, PADDED * PADDED * 4);
    for (let r = 0; r < SIDE; r++) {
      const from = image + <usize>(r * SIDE);
      const to = padded + <usize>((r + PAD) * PADDED + PAD) * 4;
      // Bytes 0–15 and 12–27 of the row (the overlap is written twice, with the same values).
      convert16(to, v128.load(from), scale);
      convert16(to + 48, v128.load(from, 12), scale);
    }
  }
}

/** Stores the 16 bytes of v, as f32 divided by scale, at p. */
@inline function convert16(p: usize, v: v128, scale: v128): void {
  const low = i16x8.extend_low_i8x16_u(v);
  const high = i16x8.extend_high_i8x16_u(v);
  v128.store(p, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(low)), scale));
  v128.store(p, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(low)), scale), 16);
  v128.store(p, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(high)), scale), 32);
  v128.store(p, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(high)), scale), 48);
}
