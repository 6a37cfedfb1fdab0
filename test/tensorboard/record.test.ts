// TFRecord framing and the masked CRC-32C: published vectors and golden bytes.
import { describe, expect, test } from "vitest";
import { decodeRecordAt, encodeRecord, maskedCrc32c, RecordCorruptError } from "../../src/tensorboard/record.js";
import { encodeEvent } from "../../src/tensorboard/messages.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s/g, ""), "hex"));

// The vector of TensorBoard's Rust data server and Go reader: the 19 bytes of
// the serialized Event{file_version: "CRC test, one two"} (tag 0x1a = field 3,
// length-delimited; 0x11 = 17 bytes of ASCII), taken from a real event file.
const CRC_TEST_EVENT = fromHex("1a11");
const CRC_TEST_BYTES = new Uint8Array([...CRC_TEST_EVENT, ...new TextEncoder().encode("CRC test, one two")]);

describe("masked CRC-32C", () => {
  test("published TensorBoard vector: 0x5794d08a", () => {
    expect(CRC_TEST_BYTES.length).toBe(19);
    expect(maskedCrc32c(CRC_TEST_BYTES)).toBe(0x5794d08a);
  });

  test("the vector's bytes are exactly our encoding of that Event", () => {
    expect(hex(encodeEvent({ wallTime: 0, fileVersion: "CRC test, one two" }))).toBe(hex(CRC_TEST_BYTES));
  });

  test("masking of the CRC-32C check value and of the empty string", () => {
    // CRC-32C("123456789") = 0xe3069283 (RFC 3720 check value); crc("") = 0, so its mask is the delta.
    expect(maskedCrc32c(new TextEncoder().encode("123456789"))).toBe(0xc78ab0e5);
    expect(maskedCrc32c(new Uint8Array(0))).toBe(0xa282ead8);
  });
});

describe("record framing", () => {
  // Cross-checked with TensorBoard's pure-Python masked_crc32c.
  const GOLDEN = "1300000000000000" + "0c91321b" + hex(CRC_TEST_BYTES) + "8ad09457";

  test("golden bytes of one record", () => {
    expect(hex(encodeRecord(CRC_TEST_BYTES))).toBe(GOLDEN);
  });

  test("an empty record", () => {
    const record = encodeRecord(new Uint8Array(0));
    expect(record.length).toBe(16);
    expect(hex(record.subarray(0, 8))).toBe("0000000000000000");
    expect(new DataView(record.buffer).getUint32(12, true)).toBe(0xa282ead8);
  });

  test("decodes what it encodes, at an offset", () => {
    const golden = fromHex(GOLDEN);
    const two = new Uint8Array([...golden, ...encodeRecord(new Uint8Array([1, 2, 3]))]);
    const first = decodeRecordAt(two, 0);
    expect(first.kind).toBe("record");
    if (first.kind !== "record") return;
    expect(hex(first.data)).toBe(hex(CRC_TEST_BYTES));
    expect(first.end).toBe(golden.length);
    const second = decodeRecordAt(two, first.end);
    expect(second).toMatchObject({ kind: "record", offset: golden.length, end: two.length });
    if (second.kind === "record") expect([...second.data]).toEqual([1, 2, 3]);
  });

  test("reports an incomplete record at every cut", () => {
    const golden = fromHex(GOLDEN);
    for (let cut = 0; cut < golden.length; cut++) {
      const found = decodeRecordAt(golden.subarray(0, cut), 0);
      expect(found.kind).toBe("incomplete");
      if (found.kind === "incomplete") expect(found.available).toBe(cut);
    }
  });

  test("detects corruption of the length and of the data", () => {
    const golden = fromHex(GOLDEN);
    const badLength = golden.slice();
    badLength[0] ^= 0x01;
    expect(() => decodeRecordAt(badLength, 0, "x.tfevents")).toThrow(/x\.tfevents: length CRC mismatch .* byte 0/);
    const badData = golden.slice();
    badData[15] ^= 0x20;
    const error = (() => { try { decodeRecordAt(badData, 0, "f"); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(RecordCorruptError);
    expect((error as RecordCorruptError).what).toBe("data");
    const badFooter = golden.slice();
    badFooter[golden.length - 1] ^= 0xff;
    expect(() => decodeRecordAt(badFooter, 0)).toThrow(/data CRC mismatch/);
  });
});
