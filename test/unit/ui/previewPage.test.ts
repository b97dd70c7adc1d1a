/** The page of the preview beside the replace confirmation: what it draws, and that nothing in it can run or load. */
import * as assert from 'node:assert/strict';
import { MAX_PREVIEW_BYTES, previewPage, type PreviewPicture } from '../../../src/ui/previewPage';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const page = (pictures: readonly PreviewPicture[]) =>
  previewPage({ title: 'Picture of <b>Adatum</b> (10000)', pictures, nonce: 'n0nce', notDrawn: 'This picture cannot be drawn here.', circleLabel: 'In a circle', squareLabel: 'Whole picture' });

describe('ui/previewPage: the preview of the current and the new picture', () => {
  it('draws each picture twice, in a circle and whole, from a data: address of its bytes', () => {
    const html = page([
      { heading: 'Current picture', description: 'PNG, 1×1, 33 bytes', bytes: PNG, contentType: 'image/png' },
      { heading: 'New picture', description: 'JPEG, 1024×768, 142 KB', bytes: PNG, contentType: 'IMAGE/PNG; charset=x' },
    ]);
    const source = `data:image/png;base64,${PNG.toString('base64')}`;
    assert.equal(html.split(`<img class="circle" src="${source}"`).length - 1, 2);
    assert.equal(html.split(`<img class="square" src="${source}"`).length - 1, 2);
    assert.match(html, /img\.circle \{ border-radius: 50%; object-fit: cover;/, 'cut to a circle from its middle, as the web client does');
    assert.match(html, /img, \.blank \{[^}]*image-orientation: none;/, 'not turned by its EXIF orientation, as Business Central does not');
    assert.match(html, /Current picture[\s\S]*PNG, 1×1, 33 bytes[\s\S]*New picture[\s\S]*JPEG, 1024×768, 142 KB/);
  });

  it('lets no script, frame or other address in: only data: pictures and its own style', () => {
    const html = page([{ heading: 'New picture', description: 'PNG', bytes: PNG, contentType: 'image/png' }]);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'nonce-n0nce'">/);
    assert.doesNotMatch(html, /<script|<iframe|https?:|vscode-resource/i);
    assert.match(html, /<style nonce="n0nce">/);
  });

  it('shows text from the service and file names as text, never as markup', () => {
    const html = page([{ heading: 'Current picture', description: '"><img src=x onerror=alert(1)> & more', contentType: 'text/html', bytes: Buffer.from('<script>alert(1)</script>') }]);
    assert.ok(html.includes('&#34;&#62;&#60;img src=x onerror=alert(1)&#62; &#38; more'));
    assert.ok(html.includes('<title>Picture of &#60;b&#62;Adatum&#60;/b&#62; (10000)</title>'));
    assert.doesNotMatch(html, /<script>|data:text\/html/, 'a type a webview would not draw as a picture is not drawn at all');
  });

  it('describes instead of drawing a TIFF, an SVG, a picture without bytes and one too large for a data: address', () => {
    const big = new Uint8Array(MAX_PREVIEW_BYTES + 1);
    const html = page([
      { heading: 'Current picture', description: 'TIFF', bytes: PNG, contentType: 'image/tiff' },
      { heading: 'New picture', description: 'SVG', bytes: PNG, contentType: 'image/svg+xml' },
      { heading: 'Current picture', description: 'PNG', contentType: 'image/png', absent: 'Could not be downloaded: 404' },
      { heading: 'New picture', description: 'PNG', bytes: big, contentType: 'image/png' },
    ]);
    assert.doesNotMatch(html, /<img /);
    assert.equal(html.split('This picture cannot be drawn here.').length - 1, 3);
    assert.ok(html.includes('Could not be downloaded: 404'));
  });
});
