/** The job journal on disk: what a resume reads back after the writing process died at any point. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { JobJournals, readJournal, resumeStepOf, type JobEntry, type JobHeader } from '../../../src/bulk/journal';
import { tempFolder } from '../../support/tempFolder';

const entry = (n: number): JobEntry => ({
  uri: `file:///pictures/C${n}.png`,
  file: `/pictures/C${n}.png`,
  fingerprint: `${100 + n}:${1_700_000_000_000_000_000n + BigInt(n)}`,
  customerId: `id-${n}`,
  customerNumber: `C${n}`,
  customerName: `Customer ${n}`,
  before: n % 2 ? 'none' : 'picture',
});
const job = (count: number): Omit<JobHeader, 'id' | 'startedAt'> => ({
  scope: 'scope-1',
  environment: 'production',
  companyId: 'company-1',
  companyName: 'CRONUS',
  entries: Array.from({ length: count }, (_, n) => entry(n + 1)),
});

describe('bulk/journal: the job journal', () => {
  const root = tempFolder('bcp-journal-');
  let folder: string;
  let warnings: string[];
  let alive: Set<number>;
  /** This process (pid 1000) and another window's (pid 2000), with `alive` saying which processes run. */
  const journals = (pid = 1000) => new JobJournals(folder, (line) => warnings.push(line), pid, (p) => alive.has(p));

  beforeEach(async () => {
    folder = await fs.mkdtemp(path.join(root(), 'jobs-'));
    warnings = [];
    alive = new Set([1000, 2000]);
  });

  it('is not interrupted while its process runs, and is once that process is gone', async () => {
    const journal = await journals(2000).begin(job(3));
    await journal.mark(0, 'sending');
    assert.deepEqual(await journals(1000).interrupted(), [], "another window's running job");
    alive.delete(2000);
    const [found] = await journals(1000).interrupted();
    assert.equal(found.header.companyName, 'CRONUS');
    assert.deepEqual(found.progress.map((p) => p.state), ['sending', 'planned', 'planned']);
    assert.deepEqual(await journals(2000).interrupted(), [], "its own job is never offered to the process writing it");
    await journal.close();
  });

  it('keeps the hash of a prepared picture from its "sending" step through the later ones, and drops one that is not a hash', async () => {
    const sha = 'ab'.repeat(32);
    const journal = await journals(2000).begin(job(3));
    await journal.markAll([
      { index: 0, state: 'sending', sentSha256: sha },
      { index: 1, state: 'sending', sentSha256: 'not a hash' },
      { index: 2, state: 'sending' },
    ]);
    await journal.mark(0, 'unconfirmed', 'no answer');
    await journal.close();
    alive.delete(2000);
    const [found] = await journals().interrupted();
    assert.deepEqual(found.progress, [{ state: 'unconfirmed', detail: 'no answer', sentSha256: sha }, { state: 'sending' }, { state: 'sending' }]);
  });

  it('keeps each entry at its last step, with what that step said, in the order written by many at once', async () => {
    const journal = await journals(2000).begin(job(4));
    await Promise.all([0, 1, 2, 3].map((i) => journal.mark(i, 'sending')));
    await Promise.all([journal.mark(0, 'sent'), journal.mark(1, 'failed', 'refused: 400'), journal.mark(2, 'unconfirmed', 'no answer')]);
    await journal.markAll([{ index: 0, state: 'confirmed', detail: '64×48 image/png' }]);
    await journal.close();
    alive.delete(2000);
    const [found] = await journals().interrupted();
    assert.deepEqual(found.progress, [
      { state: 'confirmed', detail: '64×48 image/png' },
      { state: 'failed', detail: 'refused: 400' },
      { state: 'unconfirmed', detail: 'no answer' },
      { state: 'sending' },
    ]);
    assert.deepEqual(found.header.entries, job(4).entries, 'the files as planned, sizes and times included');
    assert.deepEqual(found.progress.map((p) => resumeStepOf(p.state)), ['done', 'failed', 'check', 'check']);
  });

  it('skips a last line cut short by a crash (the entry keeps its step before), and a resume writes on a line of its own', async () => {
    const journal = await journals(2000).begin(job(2));
    await journal.mark(0, 'sending');
    await journal.mark(1, 'sending');
    await journal.close();
    await fs.appendFile(journal.file, '{"i":0,"s":"se');
    alive.delete(2000);
    const [found] = await journals().interrupted();
    assert.deepEqual(found.progress.map((p) => p.state), ['sending', 'sending']);
    const claimed = await journals().claim(found);
    assert.ok(claimed);
    await claimed.journal.mark(1, 'sent');
    await claimed.journal.close();
    assert.deepEqual((await readJournal(claimed.journal.file)).progress.map((p) => p.state), ['sending', 'sent']);
  });

  it('is claimed by one window only: the second finds it gone', async () => {
    const journal = await journals(2000).begin(job(1));
    await journal.close();
    alive.delete(2000);
    alive.add(3000);
    const [seenHere] = await journals(1000).interrupted();
    const [seenThere] = await journals(3000).interrupted();
    const here = await journals(1000).claim(seenHere);
    assert.ok(here, 'the first claim takes it');
    assert.equal(await journals(3000).claim(seenThere), undefined);
    assert.deepEqual(await journals(3000).interrupted(), [], 'now running in the first window');
    await here.journal.finish();
    alive.delete(1000);
    assert.deepEqual(await journals(3000).interrupted(), [], 'a finished job leaves nothing');
  });

  it('is gone once discarded; a journal that cannot be read is set aside and said so, never thrown', async () => {
    const journal = await journals(2000).begin(job(1));
    await journal.close();
    await fs.writeFile(path.join(folder, `${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}~2000.jsonl`), 'not json\n');
    alive.delete(2000);
    const found = await journals().interrupted();
    assert.equal(found.length, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /cannot be read.*set aside/);
    assert.equal(await journals().discard(found[0]), true);
    assert.equal(await journals().discard(found[0]), false, 'already gone');
    assert.deepEqual(await journals().interrupted(), []);
    assert.deepEqual((await fs.readdir(folder)).filter((name) => name.endsWith('.unreadable')).length, 1);
  });

  it('has no interrupted jobs before the first job ever ran (no folder yet)', async () => {
    assert.deepEqual(await new JobJournals(path.join(folder, 'none'), () => undefined, 1000, () => false).interrupted(), []);
  });
});
