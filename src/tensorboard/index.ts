// The public face of lenet-lab's TensorBoard logging: the SummaryWriter, the
// event-file reader, and the pure encoders underneath them.
// Not here: what training logs (src/train decides that).

export { SummaryWriter, type SummaryWriterOptions, type HparamsOptions, type EmbeddingOptions } from "./summary-writer.js";
export { EventFileWriter, FILE_VERSION, eventFileName, flushAllEventFiles, closeAllEventFiles, closeEventFilesOnSignals } from "./event-file-writer.js";
export { readEventFile, decodeEventRecords, listRuns, listEventFiles, isEventFileName, type EventRecord, type EventFileChunk } from "./reader.js";
export { encodeRecord, decodeRecordAt, maskedCrc32c, RecordCorruptError, type RecordAt } from "./record.js";
export * from "./messages.js";
export { buildHistogram, tensorflowBucketLimits, bucketIndex, type HistogramBins } from "./histogram.js";
export { scalarSummary, histogramSummary, imageSummary, textSummary, scalarOf, textOf, type ImageShape } from "./summaries.js";
export * from "./hparams.js";
export * from "./projector.js";
