/**
 * Decodes the HEVC pictures of HEIC photos (iPhones take them by default), which the libheif inside wasm-vips cannot:
 * it is built with an AV1 decoder only. libheif-js is libheif with libde265 compiled to WebAssembly (LGPL-3.0, shipped
 * as its own files beside the bundle, so it can be replaced): one package for every platform, loaded on the first HEIC.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The part of libheif-js's module used here (its embind bindings). */
interface Libheif {
  heif_context_alloc(): unknown;
  heif_context_free(context: unknown): void;
  heif_context_read_from_memory(context: unknown, bytes: Uint8Array): { code: unknown; message?: string };
  heif_error_code: { heif_error_Ok: unknown };
  heif_js_context_get_primary_image_handle(context: unknown): { code?: number };
  heif_image_handle_get_width(handle: unknown): number;
  heif_image_handle_get_height(handle: unknown): number;
  heif_image_handle_has_alpha_channel(handle: unknown): number;
  heif_image_handle_release(handle: unknown): void;
  heif_js_decode_image2(handle: unknown, colorspace: unknown, chroma: unknown): Promise<DecodedImage> | DecodedImage;
  heif_image_release(image: unknown): void;
  heif_colorspace: { heif_colorspace_RGB: unknown };
  heif_chroma: { heif_chroma_interleaved_RGB: unknown; heif_chroma_interleaved_RGBA: unknown };
}

interface DecodedImage {
  readonly code?: number;
  readonly message?: string;
  readonly image?: unknown;
  readonly channels?: ReadonlyArray<{ readonly width: number; readonly height: number; readonly stride: number; readonly data: Uint8Array }>;
}

/** A HEIC's primary picture as 8-bit RGB or RGBA rows, turned as its irot and imir properties say (libheif applies them). */
export interface DecodedHeic {
  readonly width: number;
  readonly height: number;
  readonly bands: 3 | 4;
  readonly pixels: Uint8Array;
}

/** Why a HEIC could not be decoded, in libheif's words (shown in the log, never as the user's message). */
export class HeicDecodeError extends Error {}

/** One libheif, loaded on the first HEIC; created and disposed by the preparer that uses it. */
export class HeicDecoder {
  private libheif: Promise<Libheif> | undefined;

  constructor(private readonly load: () => Promise<Libheif> = loadLibheif) {}

  /** The primary picture's pixels; `maxPixels` is checked on the header first, so a huge one is never decoded. */
  async decode(bytes: Uint8Array, maxPixels: number): Promise<DecodedHeic> {
    return this.withPrimary(bytes, async (libheif, handle) => {
      const width = libheif.heif_image_handle_get_width(handle);
      const height = libheif.heif_image_handle_get_height(handle);
      if (width * height > maxPixels) throw new HeicDecodeError(`${width}×${height} is past the pixel limit`);
      const bands = libheif.heif_image_handle_has_alpha_channel(handle) ? 4 : 3;
      const chroma = bands === 4 ? libheif.heif_chroma.heif_chroma_interleaved_RGBA : libheif.heif_chroma.heif_chroma_interleaved_RGB;
      const decoded = await libheif.heif_js_decode_image2(handle, libheif.heif_colorspace.heif_colorspace_RGB, chroma);
      try {
        const plane = decoded?.channels?.[0];
        if (!decoded || decoded.code || !plane) throw new HeicDecodeError(decoded?.message || 'the picture could not be decoded');
        const row = plane.width * bands;
        // Rows padded to the decoder's stride are packed, as libvips expects them.
        const pixels = plane.stride === row ? new Uint8Array(plane.data) : new Uint8Array(row * plane.height);
        if (plane.stride !== row) for (let y = 0; y < plane.height; y++) pixels.set(plane.data.subarray(y * plane.stride, y * plane.stride + row), y * row);
        return { width: plane.width, height: plane.height, bands, pixels };
      } finally {
        if (decoded?.image) libheif.heif_image_release(decoded.image);
      }
    });
  }

  /** Forgets libheif; its memory goes with the thread that loaded it. */
  dispose(): void {
    this.libheif = undefined;
  }

  private async withPrimary<T>(bytes: Uint8Array, use: (libheif: Libheif, handle: unknown) => T | Promise<T>): Promise<T> {
    const libheif = await (this.libheif ??= this.load());
    const context = libheif.heif_context_alloc();
    try {
      const read = libheif.heif_context_read_from_memory(context, bytes);
      if (read.code !== libheif.heif_error_code.heif_error_Ok) throw new HeicDecodeError(read.message || 'the file could not be read');
      const handle = libheif.heif_js_context_get_primary_image_handle(context);
      if (!handle || handle.code) throw new HeicDecodeError('the file has no primary picture');
      try {
        return await use(libheif, handle);
      } finally {
        libheif.heif_image_handle_release(handle);
      }
    } finally {
      libheif.heif_context_free(context);
    }
  }
}

async function loadLibheif(): Promise<Libheif> {
  // The shipped extension has libheif beside its bundle (dist/libheif); tests and the bench load the package's files.
  const shipped = path.join(__dirname, 'libheif');
  const folder = existsSync(path.join(shipped, 'libheif.js')) ? shipped : path.join(path.dirname(require.resolve('libheif-js/package.json')), 'libheif-wasm');
  const factory = require(path.join(folder, 'libheif.js')) as (module: object) => unknown;
  const wasmBinary = readFileSync(path.join(folder, 'libheif.wasm'));
  // The module is the object handed in, ready when the runtime says so (at once, with the binary given).
  return new Promise<Libheif>((resolve, reject) => {
    const module: Record<string, unknown> = { wasmBinary, onAbort: (why: unknown) => reject(new HeicDecodeError(`libheif stopped: ${String(why)}`)) };
    module.onRuntimeInitialized = () => resolve(module as unknown as Libheif);
    factory(module);
  });
}
