// The heavy kernels of lenet-kernels.wasm (the convolutions, the dense
// layers, max pooling, relu and sigmoid), compiled natively with 512-bit vectors for CPUs that have AVX-512.
// An optional accelerator: scripts/build-native.mjs builds it at install
// where a compiler and such a CPU exist; everywhere else the WebAssembly
// kernels do all the work. The math and the layouts are those of
// wasm/assembly (conv.ts, dense.ts, gemm.ts), on the same shared memory: every
// pointer is a byte offset into the network's WebAssembly memory, whose base
// address is bound once (bind()), so the wasm kernels and these work on the
// same buffers side by side.
//
// Every output element is summed in a fixed order that does not depend on how
// many images or threads share the call, so a forward pass gives the same bits
// whatever the batch split, as with the wasm kernels. The bits differ from
// the wasm builds' (other vector widths, other orders): the build is recorded
// like the wasm ones (run.json's engine.kernels = "native-avx512").
//
// Layouts (NCHW): inp [B, C, H, W], weight [OC, C, K, K], bias [OC],
// out [B, OC, OH, OW] with OH = H − K + 1, OW = W − K + 1, P = OH·OW, Q = C·K·K.
// Dense: inp [B, IN], weight [OUT, IN], out [B, OUT].

#include <node_api.h>
#include <immintrin.h>

#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#ifndef __AVX512F__
#error "the native kernels need AVX-512F; without it lenet-lab uses its WebAssembly kernels"
#endif

namespace {

typedef float f32;

/** The first n (≤ 16) lanes. */
inline __mmask16 firstLanes(int n) {
  return n >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << n) - 1u);
}

inline __m512 loadLanes(const f32* p, __mmask16 mask) {
  return _mm512_maskz_loadu_ps(mask, p);
}

/**
 * This thread's working space of at least `floats` floats (transposed
 * weights, partial sums, padded gradients), kept between calls. The kernels
 * do not use the wasm layout's `col` scratch: their needs are other shapes.
 */
f32* scratch(size_t floats) {
  thread_local std::vector<f32> space;
  if (space.size() < floats) space.resize(floats);
  return space.data();
}

/**
 * Calls f(std::integral_constant<int, m>) with m = min(n, MOST): a block
 * size known at compile time (so that its accumulators stay in registers)
 * for a count known at run time.
 */
template <int MOST, typename F>
void withBlock(int n, F&& f) {
  if constexpr (MOST > 1) {
    if (n < MOST) {
      withBlock<MOST - 1>(n, f);
      return;
    }
  }
  f(std::integral_constant<int, MOST>{});
}

// ---------------------------------------------------------------------------
// Matrix products (the dense layers, and the shapes the convolutions fall back on)

/**
 * "NT" block: MR rows of C × NR columns, each a dot product along k of a row
 * of A and a row of B, in 16 lanes then reduced: C[m,n] = (acc ? C : 0) + bias[n] + Σ_k A[m,k]·B[n,k].
 */
template <int MR, int NR>
void blockNT(f32* c, int ldc, const f32* a, int lda, const f32* b, int ldb, int K, bool accumulate, const f32* bias) {
  __m512 s[MR][NR];
  for (int m = 0; m < MR; m++) for (int n = 0; n < NR; n++) s[m][n] = _mm512_setzero_ps();
  for (int k = 0; k < K; k += 16) {
    const __mmask16 mask = firstLanes(K - k);
    __m512 bv[NR];
    for (int n = 0; n < NR; n++) bv[n] = loadLanes(b + n * ldb + k, mask);
    for (int m = 0; m < MR; m++) {
      const __m512 av = loadLanes(a + m * lda + k, mask);
      for (int n = 0; n < NR; n++) s[m][n] = _mm512_fmadd_ps(av, bv[n], s[m][n]);
    }
  }
  for (int m = 0; m < MR; m++) {
    for (int n = 0; n < NR; n++) {
      f32 value = _mm512_reduce_add_ps(s[m][n]);
      if (bias) value += bias[n];
      f32* out = c + m * ldc + n;
      *out = accumulate ? *out + value : value;
    }
  }
}

template <int MR>
void rowsNT(f32* c, int ldc, const f32* a, int lda, const f32* b, int ldb, int N, int K, bool accumulate, const f32* bias) {
  int n = 0;
  for (; n + 3 <= N; n += 3) blockNT<MR, 3>(c + n, ldc, a, lda, b + n * ldb, ldb, K, accumulate, bias ? bias + n : nullptr);
  if (N - n == 2) blockNT<MR, 2>(c + n, ldc, a, lda, b + n * ldb, ldb, K, accumulate, bias ? bias + n : nullptr);
  if (N - n == 1) blockNT<MR, 1>(c + n, ldc, a, lda, b + n * ldb, ldb, K, accumulate, bias ? bias + n : nullptr);
}

/** C[m,n] = (accumulate ? C : 0) + (bias ? bias[n] : 0) + Σ_k A[m,k]·B[n,k]. */
void gemmNT(f32* c, int ldc, const f32* a, int lda, const f32* b, int ldb, int M, int N, int K, bool accumulate, const f32* bias) {
  int m = 0;
  for (; m + 4 <= M; m += 4) rowsNT<4>(c + m * ldc, ldc, a + m * lda, lda, b, ldb, N, K, accumulate, bias);
  for (; m < M; m++) rowsNT<1>(c + m * ldc, ldc, a + m * lda, lda, b, ldb, N, K, accumulate, bias);
}

/**
 * "NN" block: MR rows of C × up to NV·16 columns (the last vector masked to
 * `columns`), C[m,n] = (acc ? C : 0) + Σ_k A(m,k)·B[k,n] with A(m,k) = a[m·aRow + k·aCol].
 * KN, when not 0, is K known at compile time: GCC then keeps the sums in
 * registers through an unrolled k loop, which it does not manage for every
 * loop it cannot unroll (measured: the input gradient's 16 filters, 2.7× faster).
 */
template <int MR, int NV, int KN = 0>
void blockNN(f32* c, int ldc, const f32* a, int aRow, int aCol, const f32* b, int ldb, int K, int columns, bool accumulate) {
  const __mmask16 last = firstLanes(columns - 16 * (NV - 1));
  const auto lanes = [last](int v) { return v == NV - 1 ? last : static_cast<__mmask16>(0xFFFF); };
  __m512 s[MR][NV];
  for (int m = 0; m < MR; m++) {
    for (int v = 0; v < NV; v++) s[m][v] = accumulate ? loadLanes(c + m * ldc + 16 * v, lanes(v)) : _mm512_setzero_ps();
  }
  const int steps = KN ? KN : K;
  const f32* bk = b;
  const f32* ak = a;
  for (int k = 0; k < steps; k++, bk += ldb, ak += aCol) {
    __m512 bv[NV];
    for (int v = 0; v < NV; v++) {
      bv[v] = loadLanes(bk + 16 * v, lanes(v));
      asm("" : "+v"(bv[v]));  // kept in a register: read once, not again by each row's multiply-add
    }
    for (int m = 0; m < MR; m++) {
      const __m512 av = _mm512_set1_ps(ak[m * aRow]);
      for (int v = 0; v < NV; v++) s[m][v] = _mm512_fmadd_ps(av, bv[v], s[m][v]);
    }
  }
  for (int m = 0; m < MR; m++) {
    for (int v = 0; v < NV; v++) _mm512_mask_storeu_ps(c + m * ldc + 16 * v, lanes(v), s[m][v]);
  }
}

template <int MR, int KN>
void rowsNN(f32* c, int ldc, const f32* a, int aRow, int aCol, const f32* b, int ldb, int N, int K, bool accumulate) {
  int n = 0;
  for (; n + 64 <= N; n += 64) blockNN<MR, 4, KN>(c + n, ldc, a, aRow, aCol, b + n, ldb, K, 64, accumulate);
  const int rest = N - n;
  if (rest > 48) blockNN<MR, 4, KN>(c + n, ldc, a, aRow, aCol, b + n, ldb, K, rest, accumulate);
  else if (rest > 32) blockNN<MR, 3, KN>(c + n, ldc, a, aRow, aCol, b + n, ldb, K, rest, accumulate);
  else if (rest > 16) blockNN<MR, 2, KN>(c + n, ldc, a, aRow, aCol, b + n, ldb, K, rest, accumulate);
  else if (rest > 0) blockNN<MR, 1, KN>(c + n, ldc, a, aRow, aCol, b + n, ldb, K, rest, accumulate);
}

/** C[m,n] = (accumulate ? C : 0) + Σ_k A(m,k)·B[k,n], A(m,k) = a[m·aRow + k·aCol]; K = KN where KN is not 0. */
template <int KN = 0>
void gemmNN(f32* c, int ldc, const f32* a, int aRow, int aCol, const f32* b, int ldb, int M, int N, int K, bool accumulate) {
  int m = 0;
  for (; m + 4 <= M; m += 4) rowsNN<4, KN>(c + m * ldc, ldc, a + m * aRow, aRow, aCol, b, ldb, N, K, accumulate);
  for (; m < M; m++) rowsNN<1, KN>(c + m * ldc, ldc, a + m * aRow, aRow, aCol, b, ldb, N, K, accumulate);
}

// ---------------------------------------------------------------------------
// Dense layers

void denseForward(f32* out, const f32* inp, const f32* weight, const f32* bias, int B, int IN, int OUT) {
  gemmNT(out, OUT, inp, IN, weight, IN, B, OUT, IN, false, bias);
}

void denseBackward(f32* dinp, f32* dweight, f32* dbias, const f32* dout, const f32* inp, const f32* weight,
                   int B, int IN, int OUT, bool accumulateInput) {
  for (int b = 0; b < B; b++) {
    for (int o = 0; o < OUT; o += 16) {
      const __mmask16 mask = firstLanes(OUT - o);
      _mm512_mask_storeu_ps(dbias + o, mask, _mm512_add_ps(loadLanes(dbias + o, mask), loadLanes(dout + b * OUT + o, mask)));
    }
  }
  // A gradient shard is 16 images for LeNet's batches (memory-layout.ts): then K is known at compile time.
  if (B == 16) gemmNN<16>(dweight, IN, dout, 1, OUT, inp, IN, OUT, IN, B, true);
  else gemmNN(dweight, IN, dout, 1, OUT, inp, IN, OUT, IN, B, true);
  if (dinp) gemmNN(dinp, IN, dout, OUT, 1, weight, IN, B, IN, OUT, accumulateInput);
}

// ---------------------------------------------------------------------------
// Convolution forward

struct ConvShape {
  int B, C, H, W, OC, K;
  int OH() const { return H - K + 1; }
  int OW() const { return W - K + 1; }
  int P() const { return OH() * OW(); }
  int Q() const { return C * K * K; }
};

/**
 * Along output rows: R filters × up to NV·16 outputs of one output row, each
 * starting at its bias and adding weight·input over (c, i, j) in order. CN and
 * KN, when not 0, are C and K known at compile time (conv1's 1 and 5): the tap
 * loops then unroll and GCC keeps the sums in registers, which it does not
 * through loops it cannot unroll.
 */
template <int R, int NV, int CN, int KN>
void forwardRowBlock(f32* out, int outPlane, const f32* inp, const f32* weight, const f32* bias, const ConvShape& s, int columns) {
  const int C = CN ? CN : s.C, K = KN ? KN : s.K;
  __mmask16 mask[NV];
  for (int v = 0; v < NV; v++) mask[v] = firstLanes(columns - 16 * v);
  const int Q = C * K * K;
  __m512 acc[R][NV];
  for (int r = 0; r < R; r++) for (int v = 0; v < NV; v++) acc[r][v] = _mm512_set1_ps(bias[r]);
  for (int c = 0; c < C; c++) {
    for (int i = 0; i < K; i++) {
      const f32* row = inp + (c * s.H + i) * s.W;
      const f32* w = weight + (c * K + i) * K;
      for (int j = 0; j < K; j++) {
        __m512 x[NV];
        for (int v = 0; v < NV; v++) x[v] = loadLanes(row + j + 16 * v, mask[v]);
        for (int r = 0; r < R; r++) {
          const __m512 wv = _mm512_set1_ps(w[r * Q + j]);
          for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(wv, x[v], acc[r][v]);
        }
      }
    }
  }
  for (int r = 0; r < R; r++) {
    for (int v = 0; v < NV; v++) _mm512_mask_storeu_ps(out + r * outPlane + 16 * v, mask[v], acc[r][v]);
  }
}

template <int NV, int CN, int KN>
void forwardRowFilters(f32* out, int outPlane, const f32* inp, const f32* weight, const f32* bias, const ConvShape& s, int columns, int filters) {
  constexpr int MOST = NV == 1 ? 12 : 6;
  const int Q = s.Q();
  for (int o = 0; o < filters; o += MOST) {
    f32* o0 = out + o * outPlane;
    const f32* w0 = weight + o * Q;
    const f32* b0 = bias + o;
    withBlock<MOST>(filters - o, [&](auto r) { forwardRowBlock<r(), NV, CN, KN>(o0, outPlane, inp, w0, b0, s, columns); });
  }
}

template <int CN, int KN>
void forwardAlongRowsFor(f32* out, const f32* inp, const f32* weight, const f32* bias, const ConvShape& s) {
  const int OH = s.OH(), OW = s.OW(), P = s.P();
  for (int b = 0; b < s.B; b++) {
    const f32* image = inp + b * s.C * s.H * s.W;
    f32* outImage = out + b * s.OC * P;
    for (int y = 0; y < OH; y++) {
      for (int x = 0; x < OW; x += 32) {
        const int columns = OW - x < 32 ? OW - x : 32;
        const f32* in = image + y * s.W + x;
        f32* o = outImage + y * OW + x;
        if (columns > 16) forwardRowFilters<2, CN, KN>(o, P, in, weight, bias, s, columns, s.OC);
        else forwardRowFilters<1, CN, KN>(o, P, in, weight, bias, s, columns, s.OC);
      }
    }
  }
}

void forwardAlongRows(f32* out, const f32* inp, const f32* weight, const f32* bias, const ConvShape& s) {
  if (s.C == 1 && s.K == 5) forwardAlongRowsFor<1, 5>(out, inp, weight, bias, s);  // LeNet's conv1
  else forwardAlongRowsFor<0, 0>(out, inp, weight, bias, s);
}

/**
 * Across filters: the 16 filters of a group in the lanes, OWT outputs of one
 * output row in registers, the weights transposed to [Q][OC] (wT). Each
 * output starts at its bias and adds weight·input over q = (c, i, j) in order.
 * CN and KN, when not 0, are C and K known at compile time.
 */
template <int OWT, int CN = 0, int KN = 0>
void forwardAcrossRow(f32* rowOut, const f32* inp, const f32* wT, const f32* bias, const ConvShape& s, int y) {
  const int C = CN ? CN : s.C, K = KN ? KN : s.K;
  __m512 acc[OWT];
  const __m512 b = _mm512_loadu_ps(bias);
  for (int x = 0; x < OWT; x++) acc[x] = b;
  for (int c = 0; c < C; c++) {
    for (int i = 0; i < K; i++) {
      const f32* row = inp + (c * s.H + y + i) * s.W;
      for (int j = 0; j < K; j++) {
        const __m512 wv = _mm512_loadu_ps(wT + ((c * K + i) * K + j) * s.OC);
        for (int x = 0; x < OWT; x++) acc[x] = _mm512_fmadd_ps(wv, _mm512_set1_ps(row[x + j]), acc[x]);
      }
    }
  }
  for (int x = 0; x < OWT; x++) _mm512_storeu_ps(rowOut + 16 * x, acc[x]);
}

using AcrossRow = void (*)(f32*, const f32*, const f32*, const f32*, const ConvShape&, int);
constexpr int ACROSS_MAX_WIDTH = 16;
const AcrossRow ACROSS_ROWS[ACROSS_MAX_WIDTH + 1] = {
  nullptr, forwardAcrossRow<1>, forwardAcrossRow<2>, forwardAcrossRow<3>, forwardAcrossRow<4>, forwardAcrossRow<5>,
  forwardAcrossRow<6>, forwardAcrossRow<7>, forwardAcrossRow<8>, forwardAcrossRow<9>, forwardAcrossRow<10>,
  forwardAcrossRow<11>, forwardAcrossRow<12>, forwardAcrossRow<13>, forwardAcrossRow<14>, forwardAcrossRow<15>,
  forwardAcrossRow<16>,
};

/** wT[q·OC + o] = weight[o·Q + q]. */
void transposeWeights(f32* wT, const f32* weight, int OC, int Q) {
  for (int o = 0; o < OC; o++) for (int q = 0; q < Q; q++) wT[q * OC + o] = weight[o * Q + q];
}

/** The scratch holds Q·OC floats of transposed weights, then OW·16 of one row's outputs. */
void forwardAcrossFilters(f32* out, const f32* inp, const f32* weight, const f32* bias, const ConvShape& s) {
  const int OH = s.OH(), OW = s.OW(), P = s.P(), Q = s.Q();
  f32* wT = scratch(Q * s.OC + OW * 16);
  f32* rowOut = wT + Q * s.OC;
  transposeWeights(wT, weight, s.OC, Q);
  // LeNet's conv2 (6 channels, 5 × 5, rows of 10) with its tap loops unrolled: GCC then keeps the sums in registers.
  const AcrossRow row = s.C == 6 && s.K == 5 && OW == 10 ? forwardAcrossRow<10, 6, 5> : ACROSS_ROWS[OW];
  for (int b = 0; b < s.B; b++) {
    const f32* image = inp + b * s.C * s.H * s.W;
    for (int g = 0; g < s.OC; g += 16) {
      f32* outGroup = out + (b * s.OC + g) * P;
      for (int y = 0; y < OH; y++) {
        row(rowOut, image, wT + g, bias + g, s, y);
        for (int l = 0; l < 16; l++) {
          f32* o = outGroup + l * P + y * OW;
          for (int x = 0; x < OW; x++) o[x] = rowOut[16 * x + l];
        }
      }
    }
  }
}

void conv2dForward(f32* out, const f32* inp, const f32* weight, const f32* bias, const ConvShape& s) {
  if (s.OC % 16 == 0 && s.OW() <= ACROSS_MAX_WIDTH) forwardAcrossFilters(out, inp, weight, bias, s);
  else forwardAlongRows(out, inp, weight, bias, s);
}

// ---------------------------------------------------------------------------
// Convolution backward: the weight gradient

/** Rows y0 … y0 + YC − 1 of filterRowsBlock, XS column steps each, every loop unrolled. */
template <int R, int KT, int XS, int YC>
void filterRowsChunk(f32* sums, int sumsStride, const f32* d, const f32* in, const ConvShape& s, int y0, const __mmask16* mask) {
  const int OW = s.OW(), P = s.P();
  __m512 acc[R][KT];
  for (int r = 0; r < R; r++) for (int j = 0; j < KT; j++) acc[r][j] = _mm512_loadu_ps(sums + r * sumsStride + 16 * j);
  for (int y = y0; y < y0 + YC; y++) {
    for (int xs = 0; xs < XS; xs++) {
      __m512 dv[R];
      for (int r = 0; r < R; r++) dv[r] = loadLanes(d + r * P + y * OW + 16 * xs, mask[xs]);
      for (int j = 0; j < KT; j++) {
        const __m512 xv = loadLanes(in + y * s.W + 16 * xs + j, mask[xs]);
        for (int r = 0; r < R; r++) acc[r][j] = _mm512_fmadd_ps(dv[r], xv, acc[r][j]);
      }
    }
  }
  for (int r = 0; r < R; r++) for (int j = 0; j < KT; j++) _mm512_storeu_ps(sums + r * sumsStride + 16 * j, acc[r][j]);
}

/**
 * Along rows, one image: for input channel c and kernel row i, R filters × KT
 * taps j, part[o,c,i,j] (16 lanes) += Σ_{y,x} dout[o,y,x]·inp[c,y+i,x+j],
 * lanes along x. The partial sums live in `part` across the call's images
 * (so that one image's rows stay in the cache) and are reduced once. XS, when
 * not 0, is the number of 16-column steps of an output row known at compile
 * time (conv1's 28 columns: 2): the rows are then taken four at a time with
 * every loop unrolled, the sums passing through `part` between chunks, which
 * keeps them in registers (GCC otherwise stores them at every step of a loop
 * it cannot unroll). The sums are added in the same order either way.
 */
template <int R, int KT, int XS = 0>
void filterRowsBlock(f32* part, const f32* dout, const f32* image, const ConvShape& s, int o, int c, int i) {
  const int OH = s.OH(), OW = s.OW(), P = s.P(), Q = s.Q();
  f32* sums0 = part + (o * Q + (c * s.K + i) * s.K) * 16;
  const f32* d = dout + o * P;
  const f32* in = image + (c * s.H + i) * s.W;
  if constexpr (XS > 0) {
    __mmask16 mask[XS];
    for (int xs = 0; xs < XS; xs++) mask[xs] = firstLanes(OW - 16 * xs);
    int y = 0;
    for (; y + 4 <= OH; y += 4) filterRowsChunk<R, KT, XS, 4>(sums0, Q * 16, d, in, s, y, mask);
    for (; y < OH; y++) filterRowsChunk<R, KT, XS, 1>(sums0, Q * 16, d, in, s, y, mask);
    return;
  }
  f32* sums[R];
  for (int r = 0; r < R; r++) sums[r] = sums0 + r * Q * 16;
  __m512 acc[R][KT];
  for (int r = 0; r < R; r++) for (int j = 0; j < KT; j++) acc[r][j] = _mm512_loadu_ps(sums[r] + 16 * j);
  for (int y = 0; y < OH; y++) {
    for (int x = 0; x < OW; x += 16) {
      const __mmask16 mask = firstLanes(OW - x);
      __m512 dv[R];
      for (int r = 0; r < R; r++) dv[r] = loadLanes(d + r * P + y * OW + x, mask);
      for (int j = 0; j < KT; j++) {
        const __m512 xv = loadLanes(in + y * s.W + x + j, mask);
        for (int r = 0; r < R; r++) acc[r][j] = _mm512_fmadd_ps(dv[r], xv, acc[r][j]);
      }
    }
  }
  for (int r = 0; r < R; r++) for (int j = 0; j < KT; j++) _mm512_storeu_ps(sums[r] + 16 * j, acc[r][j]);
}

/** The scratch holds OC·Q·16 partial sums. */
template <int KT>
void filterAlongRowsK(f32* dweight, const f32* dout, const f32* inp, const ConvShape& s) {
  constexpr int MOST = KT >= 5 ? 4 : KT >= 3 ? 6 : 8;
  const int Q = s.Q();
  const int steps = (s.OW() + 15) / 16;
  f32* part = scratch(s.OC * Q * 16);
  std::memset(part, 0, sizeof(f32) * s.OC * Q * 16);
  for (int b = 0; b < s.B; b++) {
    const f32* d = dout + b * s.OC * s.P();
    const f32* image = inp + b * s.C * s.H * s.W;
    for (int c = 0; c < s.C; c++) {
      for (int i = 0; i < KT; i++) {
        for (int o = 0; o < s.OC; o += MOST) {
          withBlock<MOST>(s.OC - o, [&](auto r) {
            if (steps == 2) filterRowsBlock<r(), KT, 2>(part, d, image, s, o, c, i);  // LeNet's conv1: 28 columns
            else filterRowsBlock<r(), KT>(part, d, image, s, o, c, i);
          });
        }
      }
    }
  }
  for (int q = 0; q < s.OC * Q; q++) dweight[q] += _mm512_reduce_add_ps(_mm512_loadu_ps(part + 16 * q));
}

/** Any K, one product at a time: the shapes no vector path takes (K > 5 without 16k filters). */
void filterPlain(f32* dweight, const f32* dout, const f32* inp, const ConvShape& s) {
  const int OH = s.OH(), OW = s.OW(), P = s.P(), Q = s.Q(), K = s.K;
  for (int o = 0; o < s.OC; o++) {
    for (int c = 0; c < s.C; c++) {
      for (int i = 0; i < K; i++) {
        for (int j = 0; j < K; j++) {
          f32 sum = 0;
          for (int b = 0; b < s.B; b++) {
            const f32* d = dout + (b * s.OC + o) * P;
            const f32* in = inp + ((b * s.C + c) * s.H + i) * s.W + j;
            for (int y = 0; y < OH; y++) for (int x = 0; x < OW; x++) sum += d[y * OW + x] * in[y * s.W + x];
          }
          dweight[o * Q + (c * K + i) * K + j] += sum;
        }
      }
    }
  }
}

/**
 * Across filters: 16 filters in the lanes, QB taps q at a time in registers,
 * over every output position p of an image: acc[q][o] += doutT[p][o]·input(q, p).
 * The sums live in accT [Q][OC] (scratch) across the call's images and are
 * added into dweight [OC][Q] at the end.
 */
template <int QB>
void filterAcrossBlock(f32* accT, const f32* doutT, const f32* image, const int* tapOffset, const ConvShape& s, int q0) {
  const int OH = s.OH(), OW = s.OW();
  __m512 acc[QB];
  for (int t = 0; t < QB; t++) acc[t] = _mm512_loadu_ps(accT + (q0 + t) * 16);
  const f32* tap[QB];
  for (int t = 0; t < QB; t++) tap[t] = image + tapOffset[q0 + t];
  for (int y = 0; y < OH; y++) {
    for (int x = 0; x < OW; x++) {
      const __m512 dv = _mm512_loadu_ps(doutT + (y * OW + x) * 16);
      const int at = y * s.W + x;
      for (int t = 0; t < QB; t++) acc[t] = _mm512_fmadd_ps(dv, _mm512_set1_ps(tap[t][at]), acc[t]);
    }
  }
  for (int t = 0; t < QB; t++) _mm512_storeu_ps(accT + (q0 + t) * 16, acc[t]);
}

/** The scratch holds Q·16 sums, P·16 transposed gradients and Q tap offsets. */
void filterAcrossFilters(f32* dweight, const f32* dout, const f32* inp, const ConvShape& s) {
  const int P = s.P(), Q = s.Q(), K = s.K;
  f32* accT = scratch(Q * 16 + P * 16 + Q);
  f32* doutT = accT + Q * 16;
  int* tapOffset = reinterpret_cast<int*>(doutT + P * 16);
  for (int c = 0; c < s.C; c++) {
    for (int i = 0; i < K; i++) for (int j = 0; j < K; j++) tapOffset[(c * K + i) * K + j] = (c * s.H + i) * s.W + j;
  }
  constexpr int QB = 12;
  for (int g = 0; g < s.OC; g += 16) {
    std::memset(accT, 0, sizeof(f32) * Q * 16);
    for (int b = 0; b < s.B; b++) {
      const f32* d = dout + (b * s.OC + g) * P;
      for (int l = 0; l < 16; l++) for (int p = 0; p < P; p++) doutT[p * 16 + l] = d[l * P + p];
      const f32* image = inp + b * s.C * s.H * s.W;
      int q = 0;
      for (; q + QB <= Q; q += QB) filterAcrossBlock<QB>(accT, doutT, image, tapOffset, s, q);
      for (; q + 4 <= Q; q += 4) filterAcrossBlock<4>(accT, doutT, image, tapOffset, s, q);
      for (; q < Q; q++) filterAcrossBlock<1>(accT, doutT, image, tapOffset, s, q);
    }
    for (int l = 0; l < 16; l++) {
      f32* w = dweight + (g + l) * Q;
      for (int q2 = 0; q2 < Q; q2++) w[q2] += accT[q2 * 16 + l];
    }
  }
}

// ---------------------------------------------------------------------------
// Convolution backward: the input gradient

/**
 * dinp[b,c,y+i,x+j] += Σ_o weight[o,c,i,j]·dout[b,o,y,x], one image at a
 * time as a product and col2im: dcol[q = (c,i,j), p = (y,x)] = Σ_o weight[o,q]·dout_b[o,p]
 * (gemmNN, the weights read down their columns), then col2im: each input
 * row of each channel gathers its K·K shifted dcol rows in 16 lanes (masked
 * where a shift leaves the row) and is written once. The scratch holds one
 * image's dcol (Q·P floats).
 */
void inputGradient(f32* dinp, const f32* dout, const f32* weight, const ConvShape& s) {
  const int OH = s.OH(), OW = s.OW(), P = s.P(), Q = s.Q(), K = s.K;
  const int inPlane = s.H * s.W;
  f32* dcol = scratch(Q * P);
  for (int b = 0; b < s.B; b++) {
    const f32* doutB = dout + b * s.OC * P;
    if (s.OC == 16) gemmNN<16>(dcol, P, weight, 1, Q, doutB, P, Q, P, s.OC, false);  // LeNet's conv2
    else gemmNN(dcol, P, weight, 1, Q, doutB, P, Q, P, s.OC, false);
    f32* image = dinp + b * s.C * inPlane;
    for (int c = 0; c < s.C; c++) {
      for (int u = 0; u < s.H; u++) {
        const int iLow = u - (OH - 1) > 0 ? u - (OH - 1) : 0;
        const int iHigh = u < K - 1 ? u : K - 1;
        for (int v0 = 0; v0 < s.W; v0 += 16) {
          f32* target = image + c * inPlane + u * s.W + v0;
          const __mmask16 lanes = firstLanes(s.W - v0);
          __m512 acc = loadLanes(target, lanes);
          for (int i = iLow; i <= iHigh; i++) {
            for (int j = 0; j < K; j++) {
              // Lane l takes dcol[(c,i,j), (u−i, v0+l−j)] where 0 ≤ v0+l−j < OW.
              const int low = j - v0 > 0 ? j - v0 : 0, high = OW + j - v0;
              const __mmask16 mask = lanes & firstLanes(high > 0 ? high : 0) & static_cast<__mmask16>(~firstLanes(low));
              acc = _mm512_add_ps(acc, loadLanes(dcol + ((c * K + i) * K + j) * P + (u - i) * OW + v0 - j, mask));
            }
          }
          _mm512_mask_storeu_ps(target, lanes, acc);
        }
      }
    }
  }
}

void conv2dBackward(f32* dinp, f32* dweight, f32* dbias, const f32* dout, const f32* inp, const f32* weight, const ConvShape& s) {
  const int P = s.P();
  for (int b = 0; b < s.B; b++) {
    for (int o = 0; o < s.OC; o++) {
      const f32* d = dout + (b * s.OC + o) * P;
      __m512 sum = _mm512_setzero_ps();
      for (int p = 0; p < P; p += 16) sum = _mm512_add_ps(sum, loadLanes(d + p, firstLanes(P - p)));
      dbias[o] += _mm512_reduce_add_ps(sum);
    }
  }
  if (s.OC % 16 == 0) filterAcrossFilters(dweight, dout, inp, s);
  else if (s.K == 5) filterAlongRowsK<5>(dweight, dout, inp, s);
  else if (s.K == 4) filterAlongRowsK<4>(dweight, dout, inp, s);
  else if (s.K == 3) filterAlongRowsK<3>(dweight, dout, inp, s);
  else if (s.K == 2) filterAlongRowsK<2>(dweight, dout, inp, s);
  else if (s.K == 1) filterAlongRowsK<1>(dweight, dout, inp, s);
  else filterPlain(dweight, dout, inp, s);
  if (dinp) inputGradient(dinp, dout, weight, s);
}

// ---------------------------------------------------------------------------
// Max pooling 2×2, stride 2 (H and W even), as wasm/assembly/pool.ts: the
// maximum taken in row-major order with "greater than" (so a NaN first stays,
// as wasm's pmax), and the gradient routed to the first of the four inputs
// that equals the output. Max is exact, so the bits are the wasm kernels'.
// Up to 32 input columns (16 outputs) per step: the even and odd columns of
// two vectors are gathered with a two-source permute.

const __m512i EVEN_COLUMNS = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
const __m512i ODD_COLUMNS = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
/** Interleaving even (from the first source) and odd (second) columns back: outputs 0–7, then 8–15. */
const __m512i INTERLEAVE_LOW = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
const __m512i INTERLEAVE_HIGH = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);

/** pmax(a, b) = a < b ? b : a (a NaN stays); x86's max(b, a) is exactly that. */
inline __m512 pmax(__m512 a, __m512 b) { return _mm512_max_ps(b, a); }

struct PoolColumns {
  __mmask16 low, high, outputs;
  explicit PoolColumns(int columns)  // input columns in this step (even, ≤ 32)
    : low(firstLanes(columns)), high(firstLanes(columns - 16 > 0 ? columns - 16 : 0)), outputs(firstLanes(columns / 2)) {}
};

/** The four inputs of up to 16 windows, in row-major order: row 0's even and odd columns, then row 1's. */
struct PoolInputs {
  __m512 at[4];
  PoolInputs(const f32* row0, int W, const PoolColumns& m) {
    const __m512 a0 = loadLanes(row0, m.low), a1 = loadLanes(row0 + 16, m.high);
    const __m512 b0 = loadLanes(row0 + W, m.low), b1 = loadLanes(row0 + W + 16, m.high);
    at[0] = _mm512_permutex2var_ps(a0, EVEN_COLUMNS, a1);
    at[1] = _mm512_permutex2var_ps(a0, ODD_COLUMNS, a1);
    at[2] = _mm512_permutex2var_ps(b0, EVEN_COLUMNS, b1);
    at[3] = _mm512_permutex2var_ps(b0, ODD_COLUMNS, b1);
  }
};

/**
 * Calls step(first input of the step's windows, its output index, columns,
 * inputs) for every step of every output row of B·C planes.
 */
template <typename Step>
void forEachPoolStep(const f32* inp, int B, int C, int H, int W, Step&& step) {
  const int OH = H / 2, OW = W / 2;
  for (int plane = 0; plane < B * C; plane++) {
    for (int y = 0; y < OH; y++) {
      for (int x = 0; x < W; x += 32) {
        const PoolColumns m(W - x < 32 ? W - x : 32);
        const int input = plane * H * W + 2 * y * W + x;
        step(input, plane * OH * OW + y * OW + x / 2, m, PoolInputs(inp + input, W, m));
      }
    }
  }
}

void maxPoolForward(f32* out, const f32* inp, int B, int C, int H, int W) {
  forEachPoolStep(inp, B, C, H, W, [&](int, int output, const PoolColumns& m, const PoolInputs& in) {
    _mm512_mask_storeu_ps(out + output, m.outputs, pmax(pmax(pmax(in.at[0], in.at[1]), in.at[2]), in.at[3]));
  });
}

/** Adds (accumulate) or writes a row's gradients at p, in two masked halves. */
inline void putRow(f32* p, __m512 low, __m512 high, const PoolColumns& m, bool accumulate) {
  if (accumulate) {
    low = _mm512_add_ps(loadLanes(p, m.low), low);
    high = _mm512_add_ps(loadLanes(p + 16, m.high), high);
  }
  _mm512_mask_storeu_ps(p, m.low, low);
  _mm512_mask_storeu_ps(p + 16, m.high, high);
}

void maxPoolBackward(f32* dinp, const f32* dout, const f32* inp, const f32* out, int B, int C, int H, int W, bool accumulate) {
  forEachPoolStep(inp, B, C, H, W, [&](int input, int output, const PoolColumns& m, const PoolInputs& in) {
    const __m512 best = loadLanes(out + output, m.outputs);
    const __m512 grad = loadLanes(dout + output, m.outputs);
    // Each window's gradient goes to the first of its inputs equal to the output (the last if none is: a NaN).
    __m512 routed[4];
    __mmask16 taken = 0;
    for (int k = 0; k < 3; k++) {
      const __mmask16 here = _mm512_cmp_ps_mask(in.at[k], best, _CMP_EQ_OQ) & static_cast<__mmask16>(~taken);
      routed[k] = _mm512_maskz_mov_ps(here, grad);
      taken |= here;
    }
    routed[3] = _mm512_maskz_mov_ps(static_cast<__mmask16>(~taken), grad);
    f32* d = dinp + input;
    putRow(d, _mm512_permutex2var_ps(routed[0], INTERLEAVE_LOW, routed[1]), _mm512_permutex2var_ps(routed[0], INTERLEAVE_HIGH, routed[1]), m, accumulate);
    putRow(d + W, _mm512_permutex2var_ps(routed[2], INTERLEAVE_LOW, routed[3]), _mm512_permutex2var_ps(routed[2], INTERLEAVE_HIGH, routed[3]), m, accumulate);
  });
}

// ---------------------------------------------------------------------------
// Activations, relu and sigmoid (the other kinds stay with the wasm kernels):
// the operations of wasm/assembly/activations.ts in the same order, 16 lanes
// at a time. Every product, sum and quotient is rounded on its own, as wasm
// rounds it (the _round forms are never fused into an FMA by the compiler),
// and the constants are wasm's f64 literals rounded to f32, so the bits are
// the wasm kernels' bits.

constexpr int ROUND = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
inline __m512 mul(__m512 a, __m512 b) { return _mm512_mul_round_ps(a, b, ROUND); }
inline __m512 add(__m512 a, __m512 b) { return _mm512_add_round_ps(a, b, ROUND); }
inline __m512 sub(__m512 a, __m512 b) { return _mm512_sub_round_ps(a, b, ROUND); }
inline __m512 splat(double value) { return _mm512_set1_ps(static_cast<f32>(value)); }
/** wasm's f32x4.pmax(a, b): b if a < b, else a (a NaN stays). */
inline __m512 wasmPmax(__m512 a, __m512 b) { return _mm512_max_ps(b, a); }

/** e^x lane-wise (x ≤ 88), as vexp: x = n ln2 + r, Cephes' e^r − 1, times 2^n from the exponent bits. */
inline __m512 cephesExp(__m512 x) {
  const __m512 clamped = wasmPmax(x, splat(-87.0));
  const __m512 t = add(mul(clamped, splat(1.44269504088896341)), splat(12582912.0));
  const __m512 n = sub(t, splat(12582912.0));
  const __m512 r = sub(sub(clamped, mul(n, splat(0.693359375))), mul(n, splat(-2.12194440e-4)));
  __m512 p = splat(1.9875691500e-4);
  p = add(mul(p, r), splat(1.3981999507e-3));
  p = add(mul(p, r), splat(8.3334519073e-3));
  p = add(mul(p, r), splat(4.1665795894e-2));
  p = add(mul(p, r), splat(1.6666665459e-1));
  p = add(mul(p, r), splat(5.0000001201e-1));
  const __m512 expm1r = add(mul(p, mul(r, r)), r);
  const __m512 pow2 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_castps_si512(t), _mm512_set1_epi32(127)), 23));
  return mul(add(expm1r, splat(1.0)), pow2);
}

/** 1 / (1 + e^−x) for x ≥ 0, e^x / (1 + e^x) below, e = e^−|x|. */
inline __m512 sigmoid(__m512 x) {
  const __m512 e = cephesExp(_mm512_or_ps(x, _mm512_castsi512_ps(_mm512_set1_epi32(static_cast<int>(0x80000000u)))));
  const __mmask16 nonNegative = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ);
  const __m512 numerator = _mm512_mask_mov_ps(e, nonNegative, splat(1.0));
  return _mm512_div_round_ps(numerator, add(splat(1.0), e), ROUND);
}

constexpr int RELU = 0, SIGMOID = 1;

/** Whether these kernels compute activation `kind` (else the wasm kernels do). */
bool hasActivation(int kind) { return kind == RELU || kind == SIGMOID; }

void activationForward(int kind, f32* out, const f32* inp, int n) {
  for (int k = 0; k < n; k += 16) {
    const __mmask16 m = firstLanes(n - k);
    const __m512 x = loadLanes(inp + k, m);
    const __m512 y = kind == RELU ? wasmPmax(_mm512_setzero_ps(), x) : sigmoid(x);
    _mm512_mask_storeu_ps(out + k, m, y);
  }
}

/** dinp = (accumulate ? dinp : 0) + dout · f'(inp), given out = f(inp). */
void activationBackward(int kind, f32* dinp, const f32* dout, const f32* inp, const f32* out, int n, bool accumulate) {
  for (int k = 0; k < n; k += 16) {
    const __mmask16 m = firstLanes(n - k);
    const __m512 g = loadLanes(dout + k, m);
    __m512 d;
    if (kind == RELU) {
      d = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(loadLanes(inp + k, m), _mm512_setzero_ps(), _CMP_GT_OQ), g);
    } else {
      const __m512 y = loadLanes(out + k, m);
      d = mul(g, mul(y, sub(splat(1.0), y)));
    }
    if (accumulate) d = add(d, loadLanes(dinp + k, m));
    _mm512_mask_storeu_ps(dinp + k, m, d);
  }
}

// ---------------------------------------------------------------------------
// Node-API: bind() a memory, get the kernels on it

/**
 * A memory's base address, held by each of its kernel functions; the view
 * (and so the memory) stays alive until the last of them is collected.
 */
struct Bound {
  uint8_t* base;
  napi_ref view;
  int holders;
};

constexpr size_t MOST_ARGS = 13;

struct Args {
  napi_env env;
  napi_value values[MOST_ARGS];
  Bound* bound;
  bool ok = true;

  Args(napi_env e, napi_callback_info info, size_t expected) : env(e) {
    size_t argc = MOST_ARGS;
    void* data = nullptr;
    napi_get_cb_info(env, info, &argc, values, nullptr, &data);
    bound = static_cast<Bound*>(data);
    if (argc < expected) {
      napi_throw_type_error(env, nullptr, "a native kernel was called with too few arguments");
      ok = false;
    }
  }
  /** A byte offset into the memory as a pointer (0 stays null: "none"). */
  f32* ptr(size_t i) {
    uint32_t offset = 0;
    if (napi_get_value_uint32(env, values[i], &offset) != napi_ok) ok = false;
    return offset == 0 ? nullptr : reinterpret_cast<f32*>(bound->base + offset);
  }
  int num(size_t i) {
    int32_t value = 0;
    if (napi_get_value_int32(env, values[i], &value) != napi_ok) ok = false;
    return value;
  }
  bool flag(size_t i) { return num(i) != 0; }
};

napi_value PoolForward(napi_env env, napi_callback_info info) {
  Args a(env, info, 6);
  if (!a.ok) return nullptr;
  f32 *out = a.ptr(0), *inp = a.ptr(1);
  const int B = a.num(2), C = a.num(3), H = a.num(4), W = a.num(5);
  if (a.ok) maxPoolForward(out, inp, B, C, H, W);
  return nullptr;
}

napi_value PoolBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, 9);
  if (!a.ok) return nullptr;
  f32 *dinp = a.ptr(0), *dout = a.ptr(1), *inp = a.ptr(2), *out = a.ptr(3);
  const int B = a.num(4), C = a.num(5), H = a.num(6), W = a.num(7);
  const bool accumulate = a.flag(8);
  if (a.ok) maxPoolBackward(dinp, dout, inp, out, B, C, H, W, accumulate);
  return nullptr;
}

napi_value ConvForward(napi_env env, napi_callback_info info) {
  Args a(env, info, 11);
  if (!a.ok) return nullptr;
  // Argument 4 is the wasm kernels' im2col scratch, which these do not use.
  f32 *out = a.ptr(0), *inp = a.ptr(1), *weight = a.ptr(2), *bias = a.ptr(3);
  const ConvShape s{a.num(5), a.num(6), a.num(7), a.num(8), a.num(9), a.num(10)};
  if (a.ok) conv2dForward(out, inp, weight, bias, s);
  return nullptr;
}

napi_value ConvBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, 13);
  if (!a.ok) return nullptr;
  // Argument 6 is the wasm kernels' im2col scratch, which these do not use.
  f32 *dinp = a.ptr(0), *dweight = a.ptr(1), *dbias = a.ptr(2), *dout = a.ptr(3), *inp = a.ptr(4), *weight = a.ptr(5);
  const ConvShape s{a.num(7), a.num(8), a.num(9), a.num(10), a.num(11), a.num(12)};
  if (a.ok) conv2dBackward(dinp, dweight, dbias, dout, inp, weight, s);
  return nullptr;
}

napi_value DenseForward(napi_env env, napi_callback_info info) {
  Args a(env, info, 7);
  if (!a.ok) return nullptr;
  f32 *out = a.ptr(0), *inp = a.ptr(1), *weight = a.ptr(2), *bias = a.ptr(3);
  const int B = a.num(4), IN = a.num(5), OUT = a.num(6);
  if (a.ok) denseForward(out, inp, weight, bias, B, IN, OUT);
  return nullptr;
}

napi_value DenseBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, 10);
  if (!a.ok) return nullptr;
  f32 *dinp = a.ptr(0), *dweight = a.ptr(1), *dbias = a.ptr(2), *dout = a.ptr(3), *inp = a.ptr(4), *weight = a.ptr(5);
  const int B = a.num(6), IN = a.num(7), OUT = a.num(8);
  const bool accumulateInput = a.flag(9);
  if (a.ok) denseBackward(dinp, dweight, dbias, dout, inp, weight, B, IN, OUT, accumulateInput);
  return nullptr;
}

/** activationForward(kind, out, inp, n) → whether it computed it (false: a kind for the wasm kernels). */
napi_value ActivationForward(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  if (!a.ok) return nullptr;
  const int kind = a.num(0);
  f32 *out = a.ptr(1), *inp = a.ptr(2);
  const int n = a.num(3);
  const bool done = a.ok && hasActivation(kind);
  if (done) activationForward(kind, out, inp, n);
  napi_value result;
  napi_get_boolean(env, done, &result);
  return result;
}

/** activationBackward(kind, dinp, dout, inp, out, n, accumulate) → whether it computed it. */
napi_value ActivationBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, 7);
  if (!a.ok) return nullptr;
  const int kind = a.num(0);
  f32 *dinp = a.ptr(1), *dout = a.ptr(2), *inp = a.ptr(3), *out = a.ptr(4);
  const int n = a.num(5);
  const bool accumulate = a.flag(6);
  const bool done = a.ok && hasActivation(kind);
  if (done) activationBackward(kind, dinp, dout, inp, out, n, accumulate);
  napi_value result;
  napi_get_boolean(env, done, &result);
  return result;
}

void ReleaseBound(napi_env env, void* data, void*) {
  Bound* bound = static_cast<Bound*>(data);
  if (--bound->holders > 0) return;
  napi_delete_reference(env, bound->view);
  delete bound;
}

/**
 * bind(view: Uint8Array over the whole memory's buffer) → { conv2dForward, conv2dBackward, denseForward,
 * denseBackward, maxPoolForward, maxPoolBackward, activationForward, activationBackward } (the last two
 * answer whether they computed the kind asked for).
 */
napi_value Bind(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value view;
  napi_get_cb_info(env, info, &argc, &view, nullptr, nullptr);
  bool isTypedArray = false;
  if (argc < 1 || napi_is_typedarray(env, view, &isTypedArray) != napi_ok || !isTypedArray) {
    napi_throw_type_error(env, nullptr, "bind() takes a Uint8Array over the network's memory");
    return nullptr;
  }
  void* data = nullptr;
  size_t byteOffset = 0;
  napi_get_typedarray_info(env, view, nullptr, nullptr, &data, nullptr, &byteOffset);
  if (data == nullptr || byteOffset != 0) {
    napi_throw_type_error(env, nullptr, "bind() takes a Uint8Array that starts at the memory's first byte");
    return nullptr;
  }
  Bound* bound = new Bound{static_cast<uint8_t*>(data), nullptr, 0};
  napi_create_reference(env, view, 1, &bound->view);

  napi_value kernels;
  napi_create_object(env, &kernels);
  const struct { const char* name; napi_callback callback; } entries[] = {
    {"conv2dForward", ConvForward}, {"conv2dBackward", ConvBackward},
    {"denseForward", DenseForward}, {"denseBackward", DenseBackward},
    {"maxPoolForward", PoolForward}, {"maxPoolBackward", PoolBackward},
    {"activationForward", ActivationForward}, {"activationBackward", ActivationBackward},
  };
  for (const auto& entry : entries) {
    napi_value fn;
    napi_create_function(env, entry.name, NAPI_AUTO_LENGTH, entry.callback, bound, &fn);
    napi_set_named_property(env, kernels, entry.name, fn);
    bound->holders++;
    napi_add_finalizer(env, fn, bound, ReleaseBound, nullptr, nullptr);
  }
  return kernels;
}

/** Whether this CPU runs what the compiler was allowed to use here (AVX-512 F, VL, BW, DQ). */
__attribute__((target("no-avx512f"))) bool cpuRunsThisBuild() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq");
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_value isa, supported, bind;
  napi_create_string_utf8(env, "avx512", NAPI_AUTO_LENGTH, &isa);
  napi_get_boolean(env, cpuRunsThisBuild(), &supported);
  napi_create_function(env, "bind", NAPI_AUTO_LENGTH, Bind, nullptr, &bind);
  napi_set_named_property(env, exports, "isa", isa);
  napi_set_named_property(env, exports, "supported", supported);
  napi_set_named_property(env, exports, "bind", bind);
  return exports;
}
