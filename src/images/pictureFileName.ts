// The name a downloaded customer picture is shown under: plain text, no imports that cost anything at activation.
import { MIME_TYPES, type PictureFormat } from './pictureFormats';

const EXTENSIONS: Readonly<Record<PictureFormat, string>> = { png: 'png', jpeg: 'jpg', gif: 'gif', bmp: 'bmp', tiff: 'tif' };
/** Characters Windows, macOS or a URI path would take as something else; control characters too. */
const UNSAFE = /[/\\:*?"<>|#%\u0000-\u001f\u007f]/g;
/** Windows refuses these as file names, whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;
const MAX_STEM = 100;

/** The file extension (no dot) for a picture's content type, '' when Business Central sent one it does not take. */
export function pictureExtension(contentType: string): string {
  const type = contentType.split(';')[0].trim().toLowerCase();
  const format = (Object.keys(MIME_TYPES) as PictureFormat[]).find((f) => MIME_TYPES[f] === type || (f === 'jpeg' && type === 'image/jpg'));
  return format ? EXTENSIONS[format] : '';
}

/** "10000 Adatum Corporation.png": one safe path segment, whatever the customer's number and name hold. */
export function pictureFileName(customer: { readonly number: string; readonly displayName: string }, contentType: string): string {
  const raw = [customer.number, customer.displayName].filter((part) => part.trim()).join(' ');
  let stem = raw.replace(/\s+/g, ' ').replace(UNSAFE, '_').trim();
  if (stem.length > MAX_STEM) stem = stem.slice(0, MAX_STEM).trim();
  // Trailing dots and spaces vanish on Windows; leading dots hide the file elsewhere.
  stem = stem.replace(/^[.\s]+|[.\s]+$/g, '');
  if (!stem) stem = 'picture';
  if (RESERVED.test(stem)) stem = `_${stem}`;
  const extension = pictureExtension(contentType);
  return extension ? `${stem}.${extension}` : stem;
}
