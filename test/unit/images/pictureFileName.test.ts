import * as assert from 'node:assert/strict';
import { pictureExtension, pictureFileName, pictureFolderName } from '../../../src/images/pictureFileName';

describe('images/pictureFileName', () => {
  it('is number, name and the extension of the content type', () => {
    assert.equal(pictureFileName({ number: '10000', displayName: 'Adatum Corporation' }, 'image/png'), '10000 Adatum Corporation.png');
    assert.equal(pictureFileName({ number: '30000', displayName: 'School of Fine Art' }, 'image/jpeg'), '30000 School of Fine Art.jpg');
    assert.equal(pictureFileName({ number: 'C1', displayName: 'x' }, 'image/tiff'), 'C1 x.tif');
  });

  it('never holds a path separator or another character a file system or URI path would misread', () => {
    const name = pictureFileName({ number: 'A/B', displayName: 'Smith / Jones \\ Co: "best" <ever>? | 100% #1 *' }, 'image/gif');
    assert.equal(name, 'A_B Smith _ Jones _ Co_ _best_ _ever__ _ 100_ _1 _.gif');
    assert.ok(!/[/\\:*?"<>|#%]/.test(name));
    assert.equal(pictureFileName({ number: '1', displayName: 'tab\there\nnewline' }, 'image/png'), '1 tab here newline.png');
  });

  it('stays a usable name for empty, dotted, reserved and very long names', () => {
    assert.equal(pictureFileName({ number: '', displayName: '' }, 'image/png'), 'picture.png');
    assert.equal(pictureFileName({ number: '..', displayName: '' }, 'image/png'), 'picture.png');
    assert.equal(pictureFileName({ number: '', displayName: '...hidden. ' }, 'image/bmp'), 'hidden.bmp');
    assert.equal(pictureFileName({ number: 'CON', displayName: '' }, 'image/png'), '_CON.png');
    const long = pictureFileName({ number: '1', displayName: 'x'.repeat(500) }, 'image/png');
    assert.equal(long.length, 104);
  });

  it('leaves out an extension for a content type Business Central does not take', () => {
    assert.equal(pictureExtension('image/webp'), '');
    assert.equal(pictureExtension('IMAGE/JPEG; charset=binary'), 'jpg');
    assert.equal(pictureFileName({ number: '1', displayName: 'A' }, ''), '1 A');
  });

  it('shows the company as one folder: its display name, else its name, never a separator or a step up', () => {
    assert.equal(pictureFolderName({ displayName: 'CRONUS USA, Inc.', name: 'CRONUS USA, Inc.' }), 'CRONUS USA, Inc.');
    assert.equal(pictureFolderName({ displayName: ' ', name: 'MY COMPANY' }), 'MY COMPANY');
    assert.equal(pictureFolderName({ displayName: 'A/S Nord\\Süd ?#1 100%\n$(check)', name: 'x' }), 'A_S Nord_Süd __1 100_ $(check)');
    assert.equal(pictureFolderName({ displayName: '..', name: '' }), 'company');
    assert.equal(pictureFolderName({ displayName: '', name: ' ' }), 'company');
    assert.equal(pictureFolderName({ displayName: 'x'.repeat(300), name: '' }).length, 100);
  });
});
