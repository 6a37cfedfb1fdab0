// The array type every kernel reads and writes. Training uses Float32Array;
// the layer kernels also accept Float64Array so that gradient checks can run
// in double precision.
export type FloatArray = Float32Array | Float64Array;
