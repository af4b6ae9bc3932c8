/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header (segment count + 15 offsets, uint32 LE),
 * then one PackBits-compressed segment per byte plane, most significant byte of each sample first.
 */

/** Decode one RLE frame into pixel-interleaved little-endian samples of `bytesPerSample` bytes. */
export function decodeRleFrame(
  frame: Uint8Array,
  pixelCount: number,
  samplesPerPixel: number,
  bytesPerSample: number,
): Uint8Array {
  if (frame.length < 64) throw new Error(`RLE frame is ${frame.length} bytes, shorter than its 64-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segmentCount = view.getUint32(0, true);
  const expected = samplesPerPixel * bytesPerSample;
  if (segmentCount !== expected) throw new Error(`RLE frame has ${segmentCount} segments, expected ${expected}`);
  const offsets: number[] = [];
  for (let s = 0; s < segmentCount; s++) offsets.push(view.getUint32(4 + 4 * s, true));
  const output = new Uint8Array(pixelCount * expected);
  for (let segment = 0; segment < segmentCount; segment++) {
    const start = offsets[segment];
    const end = segment + 1 < segmentCount ? offsets[segment + 1] : frame.length;
    if (start < 64 || start > end || end > frame.length) throw new Error(`RLE segment ${segment} has an invalid offset ${start}`);
    const sample = Math.floor(segment / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (segment % bytesPerSample);
    unpackBits(frame.subarray(start, end), output, sample * bytesPerSample + byteInSample, expected, pixelCount, segment);
  }
  return output;
}

/** PackBits-decode one segment, writing byte i of the plane at output[first + i * stride]. */
function unpackBits(
  segment: Uint8Array,
  output: Uint8Array,
  first: number,
  stride: number,
  pixelCount: number,
  segmentIndex: number,
): void {
  let read = 0;
  let written = 0;
  while (read < segment.length && written < pixelCount) {
    const header = segment[read++];
    if (header < 128) {
      const count = header + 1;
      if (read + count > segment.length) throw new Error(`RLE segment ${segmentIndex} is truncated`);
      for (let i = 0; i < count && written < pixelCount; i++) output[first + stride * written++] = segment[read + i];
      read += count;
    } else if (header > 128) {
      const count = 257 - header;
      if (read >= segment.length) throw new Error(`RLE segment ${segmentIndex} is truncated`);
      const value = segment[read++];
      for (let i = 0; i < count && written < pixelCount; i++) output[first + stride * written++] = value;
    }
  }
  if (written < pixelCount) throw new Error(`RLE segment ${segmentIndex} decodes to ${written} bytes, expected ${pixelCount}`);
}
