// Whether a screenshot is one flat colour (a canvas not painted yet): its inflated scanlines use
// only a handful of byte values, where a page with any text or border uses hundreds.
import { inflateSync } from "node:zlib";

export function isBlank(png) {
  const chunks = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString("ascii", at + 4, at + 8) === "IDAT") {
      chunks.push(png.subarray(at + 8, at + 8 + length));
    }
    at += length + 12;
  }
  return new Set(inflateSync(Buffer.concat(chunks))).size < 16;
}
