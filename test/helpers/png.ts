/** What a PNG's header says, read from its bytes. */
export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colorType: number;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Reads a PNG's IHDR after checking its signature, and that it ends with IEND (a file cut short in
 * transit does not); throws, naming the problem, when the bytes are not a whole PNG.
 */
export function readPng(bytes: Uint8Array): PngHeader {
  const png = Buffer.from(bytes);
  if (png.length < 33 || !png.subarray(0, 8).equals(SIGNATURE)) throw new Error(`not a PNG: starts ${png.subarray(0, 8).toString('hex')}`);
  if (png.readUInt32BE(8) !== 13 || png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('PNG does not start with an IHDR chunk');
  if (png.toString('latin1', png.length - 8, png.length - 4) !== 'IEND') throw new Error('PNG does not end with IEND: truncated?');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), bitDepth: png.readUInt8(24), colorType: png.readUInt8(25) };
}
