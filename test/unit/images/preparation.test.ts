/** Deciding from the header alone what preparing will do, so a picture that needs nothing is never decoded. */
import * as assert from 'node:assert/strict';
import { describeExpected, describeSending, expectedChanges, expectedSize, type PreparableFacts } from '../../../src/images/preparation';
import { readPreparationSettings } from '../../../src/local/settings';

const photo = (facts: Partial<PreparableFacts> = {}): PreparableFacts => ({ format: 'jpeg', contentType: 'image/jpeg', width: 800, height: 600, byteSize: 50_000, ...facts });
const DEFAULTS = { maxSize: 1024, removeMetadata: true };

describe('images/preparation: what is sent, told from the header', () => {
  it('sends a small, upright picture without metadata as it is', () => {
    assert.deepEqual(expectedChanges(photo(), DEFAULTS), []);
    assert.deepEqual(expectedChanges(photo({ format: 'png', contentType: 'image/png', width: 1024, height: 1024 }), DEFAULTS), []);
    assert.equal(describeExpected(photo(), DEFAULTS), undefined);
  });

  it('turns, scales and strips what needs it, in the order it is told', () => {
    assert.deepEqual(expectedChanges(photo({ orientation: 6, width: 4032, height: 3024, metadata: 'location' }), DEFAULTS), ['rotated', 'scaled', 'locationRemoved']);
    assert.deepEqual(expectedChanges(photo({ metadata: 'other' }), DEFAULTS), ['metadataRemoved']);
    assert.deepEqual(expectedChanges(photo({ metadata: 'location' }), { ...DEFAULTS, removeMetadata: false }), []);
    assert.deepEqual(expectedChanges(photo({ width: 4032, height: 3024 }), { ...DEFAULTS, maxSize: 0 }), [], 'maxPictureSize 0 keeps the size');
    assert.deepEqual(expectedChanges(photo({ orientation: 1 }), DEFAULTS), [], 'orientation 1 is upright already');
  });

  it('converts formats Business Central does not take, and leaves GIF and BMP alone unless a GIF is too big', () => {
    assert.deepEqual(expectedChanges(photo({ format: 'webp', contentType: 'image/webp' }), DEFAULTS), ['converted']);
    assert.deepEqual(expectedChanges(photo({ format: 'gif', contentType: 'image/gif', orientation: 6 }), DEFAULTS), []);
    assert.deepEqual(expectedChanges(photo({ format: 'gif', contentType: 'image/gif', width: 2000 }), DEFAULTS), ['scaled']);
    assert.deepEqual(expectedChanges(photo({ format: 'bmp', contentType: 'image/bmp', width: 5000 }), DEFAULTS), [], 'libvips here reads no BMP');
  });

  it('predicts the size: sides swapped for orientations 5-8, then fitted, never enlarged', () => {
    assert.deepEqual(expectedSize(photo({ width: 4032, height: 3024 }), DEFAULTS), { width: 1024, height: 768 });
    assert.deepEqual(expectedSize(photo({ width: 4032, height: 3024, orientation: 6 }), DEFAULTS), { width: 768, height: 1024 });
    assert.deepEqual(expectedSize(photo({ width: 4032, height: 3024, orientation: 3 }), DEFAULTS), { width: 1024, height: 768 });
    assert.deepEqual(expectedSize(photo({ width: 300, height: 200 }), DEFAULTS), { width: 300, height: 200 });
    assert.deepEqual(expectedSize(photo({ width: 5000, height: 1 }), DEFAULTS), { width: 1024, height: 1 });
  });

  it('cuts a square only from a picture that is not one, then fits the square inside the size', () => {
    const crop = { ...DEFAULTS, crop: 'centre' as const };
    assert.deepEqual(expectedChanges(photo(), crop), ['cropped']);
    assert.deepEqual(expectedSize(photo(), crop), { width: 600, height: 600 });
    assert.deepEqual(expectedChanges(photo({ width: 4032, height: 3024, orientation: 6 }), crop), ['rotated', 'cropped', 'scaled']);
    assert.deepEqual(expectedSize(photo({ width: 4032, height: 3024, orientation: 6 }), crop), { width: 1024, height: 1024 });
    assert.deepEqual(expectedChanges(photo({ width: 1500, height: 1000 }), { ...crop, maxSize: 0 }), ['cropped'], 'maxPictureSize 0: as large as the shorter side');
    assert.deepEqual(expectedChanges(photo({ width: 600, height: 600 }), crop), [], 'a square picture has nothing to cut');
    assert.deepEqual(expectedChanges(photo({ format: 'gif', contentType: 'image/gif' }), crop), ['cropped'], 'a GIF is cut too');
    assert.deepEqual(expectedChanges(photo({ format: 'bmp', contentType: 'image/bmp' }), crop), [], 'libvips here reads no BMP');
    assert.equal(describeSending(photo(), { contentType: 'image/jpeg', width: 600, height: 600, byteSize: 30_000 }, ['cropped']), 'JPEG, 800×600, 48.8 KB → JPEG, 600×600, 29.3 KB (cropped to a square)');
  });

  it('says what is sent against the file, and the file alone when it goes as it is', () => {
    const file = photo({ width: 4032, height: 3024, byteSize: 4_300_000, orientation: 6, metadata: 'location' });
    const sent = { contentType: 'image/jpeg', width: 768, height: 1024, byteSize: 145_000 };
    assert.equal(describeSending(file, sent, ['rotated', 'scaled', 'locationRemoved']), 'JPEG, 4032×3024, 4.1 MB → JPEG, 768×1024, 142 KB (rotated, scaled down, location removed)');
    assert.equal(describeSending(photo(), photo(), []), 'JPEG, 800×600, 48.8 KB');
    assert.equal(describeExpected(file, DEFAULTS), 'Sent as 768×1024: rotated, scaled down, location removed');
    assert.equal(describeExpected(photo({ format: 'webp', contentType: 'image/webp' }), DEFAULTS), 'Sent as 800×600: converted from WebP');
  });

  it('reads the settings, with values out of range brought back in', () => {
    const read = (values: Record<string, unknown>) => readPreparationSettings(<T>(key: string) => values[key] as T | undefined);
    assert.deepEqual(read({}), { maxSize: 1024, removeMetadata: true, jpegQuality: 85 });
    assert.deepEqual(read({ maxPictureSize: 0, removeMetadata: false, jpegQuality: 100 }), { maxSize: 0, removeMetadata: false, jpegQuality: 100 });
    assert.deepEqual(read({ maxPictureSize: 3, jpegQuality: 0 }), { maxSize: 16, removeMetadata: true, jpegQuality: 1 });
    assert.deepEqual(read({ maxPictureSize: 'big', jpegQuality: 250.4 }), { maxSize: 1024, removeMetadata: true, jpegQuality: 100 });
  });
});
