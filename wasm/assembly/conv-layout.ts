// How the convolution rearranges floats in memory (conv.ts has the layouts):
// im2col copies an image's patches into the columns of a matrix, col2im adds
// them back, two transposes serve the weight gradients and the forward across
// filters, which also reads the rows of its taps through a table of offsets.
// Pointers are byte offsets. Not the place for the products that use these (gemm.ts,
// conv-forward.ts, conv-weight-grad.ts, conv-input-grad.ts).
//
//   im2col      col[(c,i,j), (y,x)] = img[c, y+i, x+j]            [C, H, W] → [Q, P]
//   col2imAdd   img[c, y+i, x+j] += col[(c,i,j), (y,x)]            [Q, P] → [C, H, W]

/**
 * col[(c,i,j), (y,x)] = img[c, y+i, x+j] for one image [C, H, W]. Copies whole
 * vectors: a row may write up to 3 values past its end (into the next row,
 * which is written afterwards, or into the scratch's 4 spare floats) and read
 * up to 3 past the image row (linear memory always has them; they land only
 * in those overwritten places).
 */
export function im2col(col: usize, img: usize, C: i32, H: i32, W: i32, K: i32): void {
  patchRows(false, img, col, C, H, W, K);
}

/** img[c, y+i, x+j] += col[(c,i,j), (y,x)]; writes only inside the image. */
export function col2imAdd(img: usize, col: usize, C: i32, H: i32, W: i32, K: i32): void {
  patchRows(true, img, col, C, H, W, K);
}

/**
 * Pairs every row of col [Q, P] with the image row it comes from, in col's
 * order: row (c,i,j), y of col is img[c, y+i, j..j+OW). Copies the image row
 * into col (add false, im2col) or adds the col row into the image (add true,
 * col2imAdd). Always called with a constant `add`: each call inlines one.
 */
@inline function patchRows(add: bool, img: usize, col: usize, C: i32, H: i32, W: i32, K: i32): void {
  const OH = H - K + 1, OW = W - K + 1;
  const vectorBytes = <usize>(OW & ~3) * 4;
  const rowBytes = <usize>OW * 4;
  let colRow = col;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        let imgRow = img + <usize>((c * H + i) * W + j) * 4;
        for (let y = 0; y < OH; y++) {
          if (add) addRow(imgRow, colRow, vectorBytes, rowBytes);
          else {
            for (let x: usize = 0; x < rowBytes; x += 16) v128.store(colRow + x, v128.load(imgRow + x));
          }
          colRow += rowBytes;
          imgRow += <usize>W * 4;
        }
      }
    }
  }
}

/** dst[0..n) += src[0..n), rowBytes = 4n bytes, vectorBytes its whole vectors; writes nothing past dst's n. */
@inline function addRow(dst: usize, src: usize, vectorBytes: usize, rowBytes: usize): void {
  let x: usize = 0;
  for (; x < vectorBytes; x += 16) v128.store(dst + x, f32x4.add(v128.load(dst + x), v128.load(src + x)));
  if (x + 8 <= rowBytes) {
    v128.store64_lane(dst + x, f32x4.add(v128.load64_zero(dst + x), v128.load64_zero(src + x)), 0);
    x += 8;
  }
  for (; x < rowBytes; x += 4) store<f32>(dst + x, load<f32>(dst + x) + load<f32>(src + x));
}

/** dst[cols, rows] = srcᵀ for a [rows, cols] src; 4 × 4 tiles in vectors where both are multiples of 4. */
export function transpose(dst: usize, src: usize, rows: i32, cols: i32): void {
  if ((rows & 3) !== 0 || (cols & 3) !== 0) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) store<f32>(dst + <usize>(c * rows + r) * 4, load<f32>(src + <usize>(r * cols + c) * 4));
    }
    return;
  }
  const srcRow = <usize>cols * 4, dstRow = <usize>rows * 4;
  for (let r = 0; r < rows; r += 4) {
    const s = src + <usize>r * srcRow;
    const d = dst + <usize>r * 4;
    for (let c = 0; c < cols; c += 4) {
      const sc = s + <usize>c * 4;
      const a = v128.load(sc), b = v128.load(sc + srcRow), e = v128.load(sc + srcRow * 2), f = v128.load(sc + srcRow * 3);
      const ab0 = f32x4.shuffle(a, b, 0, 4, 1, 5), ab1 = f32x4.shuffle(a, b, 2, 6, 3, 7);
      const ef0 = f32x4.shuffle(e, f, 0, 4, 1, 5), ef1 = f32x4.shuffle(e, f, 2, 6, 3, 7);
      const dc = d + <usize>c * dstRow;
      v128.store(dc, f32x4.shuffle(ab0, ef0, 0, 1, 4, 5));
      v128.store(dc + dstRow, f32x4.shuffle(ab0, ef0, 2, 3, 6, 7));
      v128.store(dc + dstRow * 2, f32x4.shuffle(ab1, ef1, 0, 1, 4, 5));
      v128.store(dc + dstRow * 3, f32x4.shuffle(ab1, ef1, 2, 3, 6, 7));
    }
  }
}

/** dst[o, q] += srcᵀ[q, o] for a [rows, cols] dst. */
export function addTransposed(dst: usize, src: usize, rows: i32, cols: i32): void {
  for (let o = 0; o < rows; o++) {
    for (let q = 0; q < cols; q++) {
      const at = dst + <usize>(o * cols + q) * 4;
      store<f32>(at, load<f32>(at) + load<f32>(src + <usize>(q * rows + o) * 4));
    }
  }
}

/** table[(c, i)] = the byte offset of row i of channel c in an image [C, H, W], for the C·K rows of taps (i32). */
export function tapRowOffsets(table: usize, C: i32, H: i32, W: i32, K: i32): void {
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < K; i++) store<i32>(table + <usize>(c * K + i) * 4, ((c * H + i) * W) * 4);
  }
}
