// TensorBoard's embedding projector: the files it reads next to a run's event
// files. The projector plugin looks for `projector_config.pbtxt` in each run's
// directory; every `embeddings { ... }` block there names a tensors TSV (one
// row of tab-separated floats per point), an optional metadata TSV (one label
// per point; a header line only when there are several columns) and an
// optional sprite (one PNG holding every point's thumbnail in a square grid).
// Paths are relative to the config's directory and must stay inside it.
//
// The formatters are pure; `writeEmbeddingFiles` does the file I/O.
// Not here: event files (the projector reads no events).

import { mkdirSync, writeFileSync, appendFileSync } from "node:fs";
import { join } from "node:path";
import { encodePng, toPixelBytes, type PngChannels } from "../io/png.js";

export const PROJECTOR_CONFIG_FILE = "projector_config.pbtxt";

/** A row-major matrix: `rows` points of `cols` values each. */
export interface EmbeddingMatrix {
  data: ArrayLike<number>;
  rows: number;
  cols: number;
}

/** One thumbnail per point, all of the same size, stacked (N × height × width × channels). */
export interface LabelImages {
  pixels: ArrayLike<number>;
  width: number;
  height: number;
  channels: PngChannels;
}

/** Metadata: one label per point, or a table with a header. */
export type EmbeddingMetadata =
  | readonly (string | number)[]
  | { header: readonly string[]; rows: readonly (readonly (string | number)[])[] };

function checkCell(cell: string | number, where: string): string {
  const text = String(cell);
  if (/[\t\r\n]/.test(text)) throw new RangeError(`${where}: a metadata cell must not contain tabs or line breaks: ${JSON.stringify(text)}`);
  return text;
}

/** The tensors TSV: one line per point, values as float32 with 9 significant digits. */
export function formatTensorsTsv(matrix: EmbeddingMatrix): string {
  const { data, rows, cols } = matrix;
  if (data.length !== rows * cols) throw new RangeError(`embedding of ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c]!;
      if (!Number.isFinite(v)) throw new RangeError(`embedding value at row ${r}, column ${c} is ${v}`);
      cells.push(String(Number(v.toPrecision(9))));
    }
    lines.push(cells.join("\t"));
  }
  return lines.join("\n") + "\n";
}

/** The metadata TSV for `rows` points. */
export function formatMetadataTsv(metadata: EmbeddingMetadata, rows: number): string {
  const table = "header" in metadata ? metadata : undefined;
  const labels = table ? table.rows : (metadata as readonly (string | number)[]);
  if (labels.length !== rows) throw new RangeError(`metadata has ${labels.length} rows for ${rows} points`);
  if (!table) return labels.map((label, i) => checkCell(label as string | number, `metadata row ${i}`)).join("\n") + "\n";
  const width = table.header.length;
  const lines = [table.header.map((h) => checkCell(h, "metadata header")).join("\t")];
  table.rows.forEach((row, i) => {
    if (row.length !== width) throw new RangeError(`metadata row ${i} has ${row.length} cells, the header ${width}`);
    lines.push(row.map((cell) => checkCell(cell, `metadata row ${i}`)).join("\t"));
  });
  return lines.join("\n") + "\n";
}

/** The sprite: thumbnails laid row by row in a ceil(√N) × ceil(√N) grid, unused cells black. */
export function buildSprite(images: LabelImages, count: number): { png: Uint8Array; width: number; height: number } {
  const { width, height, channels } = images;
  const cell = width * height * channels;
  if (images.pixels.length !== count * cell) {
    throw new RangeError(`label images: ${count} images of ${width}×${height}×${channels} need ${count * cell} values, got ${images.pixels.length}`);
  }
  const bytes = toPixelBytes(images.pixels);
  const side = Math.ceil(Math.sqrt(count));
  const spriteWidth = side * width;
  const sprite = new Uint8Array(spriteWidth * side * height * channels);
  for (let n = 0; n < count; n++) {
    const x0 = (n % side) * width;
    const y0 = Math.floor(n / side) * height;
    for (let y = 0; y < height; y++) {
      const from = n * cell + y * width * channels;
      sprite.set(bytes.subarray(from, from + width * channels), ((y0 + y) * spriteWidth + x0) * channels);
    }
  }
  return { png: encodePng({ width: spriteWidth, height: side * height, channels, data: sprite }), width: spriteWidth, height: side * height };
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r")}"`;
}

/** What one `embeddings { ... }` block of projector_config.pbtxt says. */
export interface EmbeddingConfig {
  tensorName: string;
  tensorPath: string;
  tensorShape: [number, number];
  metadataPath?: string;
  sprite?: { imagePath: string; singleImageDim: [number, number] };
}

/** Formats one `embeddings { ... }` block (protobuf text format). */
export function formatEmbeddingConfig(config: EmbeddingConfig): string {
  const lines = ["embeddings {", `  tensor_name: ${quote(config.tensorName)}`, `  tensor_path: ${quote(config.tensorPath)}`];
  for (const size of config.tensorShape) lines.push(`  tensor_shape: ${size}`);
  if (config.metadataPath) lines.push(`  metadata_path: ${quote(config.metadataPath)}`);
  if (config.sprite) {
    lines.push("  sprite {", `    image_path: ${quote(config.sprite.imagePath)}`);
    for (const size of config.sprite.singleImageDim) lines.push(`    single_image_dim: ${size}`);
    lines.push("  }");
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** A directory name made of [A-Za-z0-9._-] only. */
export function safeDirectoryName(tag: string): string {
  const safe = tag.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
  return safe.length > 0 ? safe : "_";
}

/** Everything `writeEmbeddingFiles` needs. */
export interface EmbeddingSpec {
  tag: string;
  step: number;
  matrix: EmbeddingMatrix;
  metadata?: EmbeddingMetadata;
  labelImages?: LabelImages;
}

/**
 * Writes `embeddings/<tag>/<step>/` (tensors.tsv, metadata.tsv, sprite.png)
 * under `runDir` and appends its block to `runDir/projector_config.pbtxt`.
 * Throws if that embedding directory already exists (nothing is overwritten).
 */
export function writeEmbeddingFiles(runDir: string, spec: EmbeddingSpec): EmbeddingConfig {
  const { tag, step, matrix } = spec;
  const relative = `embeddings/${safeDirectoryName(tag)}/${String(step).padStart(8, "0")}`;
  const tensors = formatTensorsTsv(matrix);
  const metadata = spec.metadata === undefined ? undefined : formatMetadataTsv(spec.metadata, matrix.rows);
  const sprite = spec.labelImages === undefined ? undefined : buildSprite(spec.labelImages, matrix.rows);
  mkdirSync(join(runDir, relative, ".."), { recursive: true });
  try {
    mkdirSync(join(runDir, relative));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new Error(`embedding ${tag} at step ${step} already exists in ${runDir}`);
    throw error;
  }
  const config: EmbeddingConfig = { tensorName: `${tag} (step ${step})`, tensorPath: `${relative}/tensors.tsv`, tensorShape: [matrix.rows, matrix.cols] };
  writeFileSync(join(runDir, config.tensorPath), tensors);
  if (metadata !== undefined) {
    config.metadataPath = `${relative}/metadata.tsv`;
    writeFileSync(join(runDir, config.metadataPath), metadata);
  }
  if (sprite !== undefined && spec.labelImages) {
    config.sprite = { imagePath: `${relative}/sprite.png`, singleImageDim: [spec.labelImages.width, spec.labelImages.height] };
    writeFileSync(join(runDir, config.sprite.imagePath), sprite.png);
  }
  appendFileSync(join(runDir, PROJECTOR_CONFIG_FILE), formatEmbeddingConfig(config));
  return config;
}
