// The names a downloaded customer picture is shown under: plain text, no imports that cost anything at activation.
import { ACCEPTED_FORMATS, MIME_TYPES, type PictureFormat } from './pictureFormats';

const EXTENSIONS: Readonly<Record<PictureFormat, string>> = { png: 'png', jpeg: 'jpg', gif: 'gif', bmp: 'bmp', tiff: 'tif' };
/** Characters Windows, macOS or a URI path would take as something else; control characters too. */
const UNSAFE = /[/\\:*?"<>|#%\u0000-\u001f\u007f]/g;
/** Windows refuses these as file names, whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;
const MAX_STEM = 100;

/** The file extension (no dot) for a picture's content type, '' when Business Central sent one it does not take. */
export function pictureExtension(contentType: string): string {
  const type = contentType.split(';')[0].trim().toLowerCase();
  const format = ACCEPTED_FORMATS.find((f) => MIME_TYPES[f] === type || (f === 'jpeg' && type === 'image/jpg'));
  return format ? EXTENSIONS[format] : '';
}

/** "10000 Adatum Corporation.png": one safe path segment, whatever the customer's number and name hold. */
export function pictureFileName(customer: { readonly number: string; readonly displayName: string }, contentType: string): string {
  let stem = segment([customer.number, customer.displayName].filter((part) => part.trim()).join(' '));
  // Trailing dots and spaces vanish on Windows; leading dots hide the file elsewhere.
  stem = stem.replace(/^[.\s]+|[.\s]+$/g, '');
  if (!stem) stem = 'picture';
  if (RESERVED.test(stem)) stem = `_${stem}`;
  const extension = pictureExtension(contentType);
  return extension ? `${stem}.${extension}` : stem;
}

/** "CRONUS USA, Inc.": the company as the folder its pictures are shown in (never a folder on disk); one path segment. */
export function pictureFolderName(company: { readonly displayName: string; readonly name: string }): string {
  const folder = segment(company.displayName.trim() ? company.displayName : company.name);
  // "." and ".." would move up the path.
  return /^\.*$/.test(folder) ? 'company' : folder;
}

/** No separator, nothing a file system or a URI path would read as something else, one line, bounded. */
function segment(raw: string): string {
  const text = raw.replace(/\s+/g, ' ').replace(UNSAFE, '_').trim();
  return text.length > MAX_STEM ? text.slice(0, MAX_STEM).trim() : text;
}
