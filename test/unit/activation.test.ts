import * as assert from 'node:assert/strict';
import { probeActivation } from '../bench/instrumented';

// Proof by evaluation markers in an instrumented production-option build (see instrumented.ts): a file's marker fires iff its top level runs.
describe('activation', function () {
  this.timeout(60_000);

  it('bundles no undici (requests use the host fetch), and evaluates neither the HTTP transport nor image decoding', async () => {
    const probe = await probeActivation();
    assert.equal(probe.bundled.undici, 0, 'no file of the npm undici in the production bundle');
    assert.ok(probe.bundled['src/api/http'] > 0, 'the transport is in the bundle');
    assert.ok(probe.bundled['image-size'] > 0, 'image-size files in the bundle');
    assert.ok(probe.bundled['src/images'] > 0, 'src/images files in the bundle');
    assert.ok(probe.commands.includes('bcPictures.addPicture'), 'activate() registered the commands');
    assert.deepEqual(probe.duringActivation, []);
    assert.equal(probe.fetchCallsDuringActivation, 0, 'no request at activation');
    // The positive control: the markers fire once the lazy parts are loaded on purpose.
    assert.deepEqual(probe.afterLoadingLazyParts, ['image-size', 'src/api/http', 'src/images']);
  });
});
