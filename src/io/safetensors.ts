// The safetensors format (Hugging Face): a pure encoder and decoder, no I/O.
//
//   8 bytes   N, little-endian uint64: the header's length
//   N bytes   JSON header: { name: { dtype, shape, data_offsets: [begin, end] }, …,
//             "__metadata__": { string: string } }, padded with spaces to a
//             multiple of 8 bytes
//   rest      the tensors' bytes, little-endian, offsets relative to here
//
// Float32 ("F32") and int32 ("I32") tensors: weights and optimizer state, and
// integer state such as the training-data order in checkpoints.

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array | Int32Array;
}

const dtypeOf = (data: Float32Array | Int32Array) => (data instanceof Int32Array ? "I32" : "F32");

export function encodeSafetensors(tensors: readonly NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const expected = t.shape.reduce((a, b) => a * b, 1);
    if (expected !== t.data.length) {
      throw new Error(`safetensors: tensor ${t.name} has ${t.data.length} values but shape [${t.shape}] needs ${expected}`);
    }
    header[t.name] = { dtype: dtypeOf(t.data), shape: t.shape, data_offsets: [offset, offset + 4 * t.data.length] };
    offset += 4 * t.data.length;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const t of tensors) {
    const isInt = t.data instanceof Int32Array;
    for (let i = 0; i < t.data.length; i++, position += 4) {
      if (isInt) view.setInt32(position, t.data[i], true);
      else view.setFloat32(position, t.data[i], true);
    }
  }
  return out;
}

export interface DecodedSafetensors {
  tensors: NamedTensor[];
  metadata: Record<string, string>;
}

/** Decodes F32 and I32 tensors; `source` names the bytes in error messages. */
export function decodeSafetensors(bytes: Uint8Array, source = "safetensors data"): DecodedSafetensors {
  const fail = (problem: string) => new Error(`${source}: ${problem}`);
  if (bytes.length < 8) throw fail("shorter than the 8-byte header length; the file is truncated");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) throw fail(`header of ${headerLength} bytes runs past the end; the file is truncated`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString("utf8"));
  } catch {
    throw fail("header is not valid JSON; not a safetensors file");
  }
  const dataStart = 8 + headerLength;
  const tensors: NamedTensor[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const { dtype, shape, data_offsets: [begin, end] } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (dtype !== "F32" && dtype !== "I32") throw fail(`tensor ${name} has dtype ${dtype}; only F32 and I32 are supported`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (end - begin !== 4 * count) throw fail(`tensor ${name}: offsets [${begin}, ${end}] do not match shape [${shape}]`);
    if (dataStart + end > bytes.length) throw fail(`tensor ${name} runs past the end of the file; the file is truncated`);
    const data = dtype === "I32" ? new Int32Array(count) : new Float32Array(count);
    for (let i = 0; i < count; i++) {
      data[i] = dtype === "I32" ? view.getInt32(dataStart + begin + 4 * i, true) : view.getFloat32(dataStart + begin + 4 * i, true);
    }
    tensors.push({ name, shape, data });
  }
  return { tensors, metadata: (header.__metadata__ as Record<string, string>) ?? {} };
}
