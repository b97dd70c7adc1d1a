import * as assert from 'node:assert/strict';
import { probeActivation } from '../bench/instrumented';

// Proof by evaluation markers in an instrumented production-option build (see instrumented.ts): a file's marker fires iff its top level runs.
describe('activation', function () {
  this.timeout(60_000);

  it('evaluates neither undici nor image decoding; both are still in the bundle and load on demand', async () => {
    const probe = await probeActivation();
    assert.ok(probe.bundled.undici > 0, 'undici files in the bundle');
    assert.ok(probe.bundled['image-size'] > 0, 'image-size files in the bundle');
    assert.ok(probe.bundled['src/images'] > 0, 'src/images files in the bundle');
    assert.ok(probe.commands.includes('bcPictures.addPicture'), 'activate() registered the commands');
    assert.deepEqual(probe.duringActivation, []);
    assert.equal(probe.transportLoadedAfterActivation, false);
    assert.deepEqual(probe.afterLoadingLazyParts, ['image-size', 'src/images', 'undici']);
  });
});
