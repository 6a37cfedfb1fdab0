// Max pooling 2×2, stride 2 (LeNet-5's pool1 and pool2): the WebAssembly twin
// of src/engine/layers/maxpool.ts. H and W must be even. Layouts (NCHW):
// inp [B, C, H, W] → out [B, C, H/2, W/2].
//
//   forward   out[b,c,y,x] = max_{dy,dx} inp[b,c,2y+dy,2x+dx], taken in row-major
//             order with "greater than" (pmax), exactly as the reference does
//   backward  dinp[b,c,2y+dy*,2x+dx*] (+)= dout[b,c,y,x], where (dy*, dx*) is the
//             first of the four inputs (row-major) equal to out: the reference's
//             argmax, found again from the stored input and output instead of
//             being stored
//
// Four outputs per step: two rows of 8 inputs are split into even and odd
// columns by shuffles. Rows whose width is not a multiple of 4 end in scalar code.

/** Writes out for B·C planes. */
export function maxPoolForward(out: usize, inp: usize, B: i32, C: i32, H: i32, W: i32): void {
  const OH = H >> 1, OW = W >> 1;
  const planes = B * C;
  const vectorOutputs = OW & ~3;
  let o = out;
  for (let p = 0; p < planes; p++) {
    const plane = inp + <usize>(p * H * W) * 4;
    for (let y = 0; y < OH; y++) {
      const row0 = plane + <usize>(2 * y * W) * 4;
      const row1 = row0 + <usize>W * 4;
      let x = 0;
      for (; x < vectorOutputs; x += 4) {
        const at = <usize>(2 * x) * 4;
        const a0 = v128.load(row0 + at), a1 = v128.load(row0 + at, 16);
        const b0 = v128.load(row1 + at), b1 = v128.load(row1 + at, 16);
        const m = f32x4.pmax(f32x4.pmax(f32x4.pmax(
          f32x4.shuffle(a0, a1, 0, 2, 4, 6), f32x4.shuffle(a0, a1, 1, 3, 5, 7)),
          f32x4.shuffle(b0, b1, 0, 2, 4, 6)), f32x4.shuffle(b0, b1, 1, 3, 5, 7));
        v128.store(o, m);
        o += 16;
      }
      for (; x < OW; x++) {
        const at = <usize>(2 * x) * 4;
        let best = load<f32>(row0 + at);
        let v = load<f32>(row0 + at, 4);
        if (v > best) best = v;
        v = load<f32>(row1 + at);
        if (v > best) best = v;
        v = load<f32>(row1 + at, 4);
        if (v > best) best = v;
        store<f32>(o, best);
        o += 4;
      }
    }
  }
}

/** dinp (+)= the routed dout: accumulates when accumulate, else overwrites every input position. */
export function maxPoolBackward(dinp: usize, dout: usize, inp: usize, out: usize, B: i32, C: i32, H: i32, W: i32, accumulate: bool): void {
  const OH = H >> 1, OW = W >> 1;
  const planes = B * C;
  const vectorOutputs = OW & ~3;
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const planeOffset = <usize>(p * H * W) * 4;
    for (let y = 0; y < OH; y++) {
      const row0 = planeOffset + <usize>(2 * y * W) * 4;
      const row1 = row0 + <usize>W * 4;
      let x = 0;
      for (; x < vectorOutputs; x += 4) {
        const at = <usize>(2 * x) * 4;
        const a0 = v128.load(inp + row0 + at), a1 = v128.load(inp + row0 + at, 16);
        const b0 = v128.load(inp + row1 + at), b1 = v128.load(inp + row1 + at, 16);
        const m = v128.load(out + o);
        const g = v128.load(dout + o);
        const e0 = f32x4.eq(f32x4.shuffle(a0, a1, 0, 2, 4, 6), m);
        let taken = e0;
        const e1 = v128.andnot(f32x4.eq(f32x4.shuffle(a0, a1, 1, 3, 5, 7), m), taken);
        taken = v128.or(taken, e1);
        const e2 = v128.andnot(f32x4.eq(f32x4.shuffle(b0, b1, 0, 2, 4, 6), m), taken);
        taken = v128.or(taken, e2);
        const e3 = v128.not(taken);
        const g0 = v128.and(g, e0), g1 = v128.and(g, e1), g2 = v128.and(g, e2), g3 = v128.and(g, e3);
        let lo0 = f32x4.shuffle(g0, g1, 0, 4, 1, 5), hi0 = f32x4.shuffle(g0, g1, 2, 6, 3, 7);
        let lo1 = f32x4.shuffle(g2, g3, 0, 4, 1, 5), hi1 = f32x4.shuffle(g2, g3, 2, 6, 3, 7);
        const d0 = dinp + row0 + at, d1 = dinp + row1 + at;
        if (accumulate) {
          lo0 = f32x4.add(lo0, v128.load(d0)); hi0 = f32x4.add(hi0, v128.load(d0, 16));
          lo1 = f32x4.add(lo1, v128.load(d1)); hi1 = f32x4.add(hi1, v128.load(d1, 16));
        }
        v128.store(d0, lo0); v128.store(d0, hi0, 16);
        v128.store(d1, lo1); v128.store(d1, hi1, 16);
        o += 16;
      }
      for (; x < OW; x++) {
        const at = <usize>(2 * x) * 4;
        const m = load<f32>(out + o);
        const g = load<f32>(dout + o);
        let which = 3;
        if (load<f32>(inp + row0 + at) == m) which = 0;
        else if (load<f32>(inp + row0 + at, 4) == m) which = 1;
        else if (load<f32>(inp + row1 + at) == m) which = 2;
        const d0 = dinp + row0 + at, d1 = dinp + row1 + at;
        if (!accumulate) {
          store<f32>(d0, 0); store<f32>(d0, 0, 4); store<f32>(d1, 0); store<f32>(d1, 0, 4);
        }
        const target = (which < 2 ? d0 : d1) + <usize>(which & 1) * 4;
        store<f32>(target, load<f32>(target) + g);
        o += 4;
      }
    }
  }
}
