/**
 * The page of the picture preview beside a picture confirmation: each picture drawn as the web client draws a
 * customer's picture (cut to a circle from its middle) and as a square (the whole picture), with what it is. Plain
 * text and data: pictures only: no script runs, and text from the service or a file name is escaped.
 */

/** One picture of the preview: its bytes where they can be shown, else why not. */
export interface PreviewPicture {
  /** "Current" or "New". */
  readonly heading: string;
  /** What it is: "JPEG, 1024×768, 142 KB". */
  readonly description: string;
  readonly bytes?: Uint8Array;
  /** A content type; only those a webview draws are shown, whatever the service claims. */
  readonly contentType?: string;
  /** Said where there is no picture to draw. */
  readonly absent?: string;
}

// What a webview's browser draws; TIFF is not among them.
const DRAWN = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/bmp', 'image/webp']);
/** Past this a picture is described, not drawn: a data: address of it would cost more than it shows. */
export const MAX_PREVIEW_BYTES = 32 * 1024 * 1024;

export interface PreviewPageOptions {
  readonly title: string;
  readonly pictures: readonly PreviewPicture[];
  /** A fresh random value per page, for the one style element the policy lets in. */
  readonly nonce: string;
  /** Said of a picture that cannot be drawn here. */
  readonly notDrawn: string;
  readonly circleLabel: string;
  readonly squareLabel: string;
}

/** The page's HTML. */
export function previewPage(options: PreviewPageOptions): string {
  const figures = options.pictures.map((picture) => figure(picture, options)).join('\n');
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'nonce-${options.nonce}'">
<title>${escape(options.title)}</title>
<style nonce="${options.nonce}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 12px 16px; }
  h1 { font-size: 1.1em; font-weight: 600; margin: 0 0 12px; }
  section { margin-bottom: 20px; }
  h2 { font-size: 1em; font-weight: 600; margin: 0 0 6px; }
  .shapes { display: flex; gap: 24px; align-items: flex-end; }
  figure { margin: 0; text-align: center; font-size: 0.9em; color: var(--vscode-descriptionForeground); }
  /* As stored: Business Central does not turn a picture by its EXIF orientation, so neither does the preview. */
  img, .blank { width: 160px; height: 160px; display: block; margin-bottom: 4px; image-orientation: none; }
  img.circle { border-radius: 50%; object-fit: cover; object-position: center; }
  img.square { object-fit: contain; background: repeating-conic-gradient(#8884 0 25%, transparent 0 50%) 0 0 / 16px 16px; }
  .blank { display: flex; align-items: center; justify-content: center; border: 1px dashed var(--vscode-descriptionForeground); box-sizing: border-box; padding: 8px; }
  p { margin: 6px 0 0; }
</style>
</head>
<body>
<h1>${escape(options.title)}</h1>
${figures}
</body>
</html>`;
}

function figure(picture: PreviewPicture, options: PreviewPageOptions): string {
  const source = dataUri(picture);
  const shapes = source
    ? `<div class="shapes">
  <figure><img class="circle" src="${source}" alt="${escape(options.circleLabel)}"><figcaption>${escape(options.circleLabel)}</figcaption></figure>
  <figure><img class="square" src="${source}" alt="${escape(options.squareLabel)}"><figcaption>${escape(options.squareLabel)}</figcaption></figure>
</div>`
    : `<div class="shapes"><div class="blank">${escape(picture.absent ?? options.notDrawn)}</div></div>`;
  return `<section>
<h2>${escape(picture.heading)}</h2>
${shapes}
<p>${escape(picture.description)}</p>
</section>`;
}

function dataUri(picture: PreviewPicture): string | undefined {
  const type = picture.contentType?.split(';')[0].trim().toLowerCase() ?? '';
  if (!picture.bytes || picture.bytes.byteLength > MAX_PREVIEW_BYTES || !DRAWN.has(type)) return undefined;
  return `data:${type};base64,${Buffer.from(picture.bytes.buffer, picture.bytes.byteOffset, picture.bytes.byteLength).toString('base64')}`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
