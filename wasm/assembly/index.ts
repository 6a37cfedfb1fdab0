// The exports of lenet-kernels.wasm: every kernel the WebAssembly backend
// calls (src/engine/wasm/kernels.ts describes them for TypeScript). The module
// imports its memory (shared, so that worker threads run on the same
// parameters and activations) and allocates nothing: callers pass byte
// offsets into memory they laid out (src/engine/wasm/memory-layout.ts).

export { gemmNN, gemmNT } from "./gemm";
export { conv2dForward, conv2dBackward } from "./conv";
export { denseForward, denseBackward } from "./dense";
export { maxPoolForward, maxPoolBackward } from "./pool";
export { activationForward, activationBackward } from "./activations";
export { sgdStep, adamStep, addInto, zeroBytes, firstNonFinite } from "./optim";
export { padImages } from "./pixels";
