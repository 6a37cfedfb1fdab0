// Principal component analysis to 2-D for the embedding view: centre the
// vectors, then find the top two eigenvectors of the covariance C = XᵀX/(n−1)
// by power iteration with deflation (C is d×d, d = 84 here, so this is cheap),
// and project. Signs are fixed so that each component's largest coefficient
// is positive, which makes the picture deterministic. Pure; no DOM.

export interface Projection {
  points: Float64Array; // n × 2, row-major
  /** Fraction of the total variance each component explains. */
  explained: [number, number];
}

export function pca2d(vectors: readonly (readonly number[])[]): Projection {
  const n = vectors.length;
  const d = vectors[0]?.length ?? 0;
  if (n < 2 || d < 1) return { points: new Float64Array(n * 2), explained: [0, 0] };
  const mean = new Float64Array(d);
  for (const v of vectors) for (let j = 0; j < d; j++) mean[j]! += v[j]! / n;
  const cov = new Float64Array(d * d);
  for (const v of vectors) {
    for (let a = 0; a < d; a++) {
      const xa = v[a]! - mean[a]!;
      if (xa === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b]! += xa * (v[b]! - mean[b]!);
    }
  }
  let trace = 0;
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      cov[a * d + b]! /= n - 1;
      cov[b * d + a] = cov[a * d + b]!;
    }
    trace += cov[a * d + a]!;
  }
  const components: Float64Array[] = [];
  const eigenvalues: number[] = [];
  for (let k = 0; k < 2; k++) {
    let vec = new Float64Array(d).map((_, j) => 1 + ((j * 7919) % 13) / 13);
    let value = 0;
    for (let iteration = 0; iteration < 500; iteration++) {
      const next = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += cov[a * d + b]! * vec[b]!;
        next[a] = s;
      }
      const norm = Math.hypot(...next);
      if (norm === 0) break;
      for (let a = 0; a < d; a++) next[a]! /= norm;
      const change = next.reduce((s, x, a) => s + Math.abs(x - vec[a]!), 0);
      vec = next;
      value = norm;
      if (change < 1e-10) break;
    }
    let largest = 0;
    for (let a = 0; a < d; a++) if (Math.abs(vec[a]!) > Math.abs(vec[largest]!)) largest = a;
    if (vec[largest]! < 0) for (let a = 0; a < d; a++) vec[a] = -vec[a]!;
    components.push(vec);
    eigenvalues.push(value);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b]! -= value * vec[a]! * vec[b]!;
  }
  const points = new Float64Array(n * 2);
  vectors.forEach((v, i) => {
    for (let k = 0; k < 2; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (v[j]! - mean[j]!) * components[k]![j]!;
      points[i * 2 + k] = s;
    }
  });
  return { points, explained: [trace > 0 ? eigenvalues[0]! / trace : 0, trace > 0 ? eigenvalues[1]! / trace : 0] };
}
