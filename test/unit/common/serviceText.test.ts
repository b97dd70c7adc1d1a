/** Text from Business Central is data: it never becomes a link, an icon or markup where VS Code shows it. */
import * as assert from 'node:assert/strict';
import { runReportMarkdown } from '../../../src/bulk/report';
import { errorFromStatus } from '../../../src/api/errors';
import { inert, markdownText } from '../../../src/common/serviceText';

const COMMAND_LINK = '[Open in BC](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)';
const IMAGE = '![x](https://attacker.test/pixel.png)';
const ICON = '$(check) has a picture';
const ZWSP = '\u200b';

/** VS Code's notification link syntax and its codicon syntax, as its renderers look for them. */
const LINK_SYNTAX = /\[[^\]]+\]\((?:https?:|command:|file:)/;
const ICON_SYNTAX = /\$\([a-z0-9-]+(?:~[a-z0-9-]+)?\)/i;

describe('common/serviceText', () => {
  it('makes links and icons inert for notifications and quick picks, and reads the same', () => {
    for (const text of [COMMAND_LINK, IMAGE, ICON, `Contoso ${ICON} ${COMMAND_LINK}`]) {
      const shown = inert(text);
      assert.doesNotMatch(shown, LINK_SYNTAX, shown);
      assert.doesNotMatch(shown, ICON_SYNTAX, shown);
      assert.equal(shown.split(ZWSP).join(''), text, 'only invisible characters are added');
    }
    assert.equal(inert('Trey Research'), 'Trey Research');
    assert.equal(inert("O'Brien & Sons (Ltd.) [EU]"), "O'Brien & Sons (Ltd.) [EU]", 'ordinary punctuation is kept');
    assert.equal(inert('two\nlines'), 'two lines');
    assert.equal(inert(undefined), '');
  });

  it('escapes Markdown and HTML for the report', () => {
    assert.equal(markdownText(COMMAND_LINK).includes(']('), false);
    assert.equal(markdownText(IMAGE), '\\!\\[x\\]\\(https://attacker.test/pixel.png\\)');
    assert.equal(markdownText('<img src=x onerror=alert(1)>'), '&lt;img src=x onerror=alert\\(1\\)&gt;');
    assert.equal(markdownText('a | b'), 'a \\| b');
    assert.equal(markdownText('**bold** _it_ `code` # ~x~'), '\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\# \\~x\\~');
    assert.equal(markdownText('Big Tenant Ltd.'), 'Big Tenant Ltd.');
  });

  it('writes a report where no customer or company name becomes a link, an image or HTML', () => {
    const report = runReportMarkdown({
      companyName: `Evil ${IMAGE}`,
      environment: `prod ${IMAGE}`,
      startedAt: new Date(0),
      endedAt: new Date(1000),
      cancelled: false,
      records: [{ file: 'C1.png', customerNumber: 'C1', customerName: `${COMMAND_LINK} <img src=https://attacker.test/x>`, state: 'done', detail: 'PNG' }],
      leftOut: [{ file: `${IMAGE}.png`, reason: 'No customer' }],
    });
    assert.doesNotMatch(report, /[^\\]\]\(/, 'no unescaped link or image');
    assert.doesNotMatch(report, /<img/i);
    assert.match(report, /^# Customer pictures by number: Evil \\!\\\[x\\\]/m);
  });

  it("makes the service's own message inert in the error the user sees", () => {
    const error = errorFromStatus({ status: 400, body: { code: 'BadRequest', message: `Refused ${COMMAND_LINK} ${ICON}` } });
    assert.doesNotMatch(error.message, LINK_SYNTAX);
    assert.doesNotMatch(error.message, ICON_SYNTAX);
  });
});
