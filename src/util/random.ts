// Seeded random streams. Every random choice in lenet-lab (initial weights,
// data order, sample picks) draws from one of these, so the same config and
// seed give the same numbers. Not cryptographic.
//
// The generator is xoshiro128** (Blackman & Vigna): 128 bits of state held in
// four uint32 words, which a checkpoint can save and restore exactly. Seeds are
// expanded with splitmix32 so that nearby seeds give unrelated streams.

/** The complete state of a RandomStream: four uint32 words. */
export type RandomState = [number, number, number, number];

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class RandomStream {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /**
   * A stream for `seed`; `streamId` separates independent streams of one seed
   * (e.g. initial weights vs data order) so that changing one never shifts the other.
   */
  constructor(seed: number, streamId = 0) {
    const next = splitmix32((seed >>> 0) ^ Math.imul(streamId + 1, 0x27d4eb2f));
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A uniformly distributed uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer in [0, n), without modulo bias. */
  nextInt(n: number): number {
    if (!(n > 0 && n <= 4294967296)) throw new RangeError(`nextInt: n must be in (0, 2^32], got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** A standard normal deviate (Box–Muller; the second value is discarded to keep the state simple). */
  nextNormal(): number {
    let u = this.nextFloat();
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle(array: Int32Array | Uint32Array | number[]): void {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
  }

  getState(): RandomState {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  setState(state: RandomState): void {
    [this.s0, this.s1, this.s2, this.s3] = state.map((w) => w | 0) as RandomState;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
