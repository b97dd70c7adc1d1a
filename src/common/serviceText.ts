/**
 * Text that came from Business Central (names, numbers, messages) is data: anyone who can rename a customer
 * writes it. Where VS Code renders text, `[label](command:…)` becomes a link that runs a command and `$(name)`
 * an icon, so such text is made inert before it is shown. A zero-width space breaks the syntax and changes
 * nothing a person sees.
 */
const ZERO_WIDTH_SPACE = '\u200b';

/** For notifications, progress titles and quick pick items: no links, no icons, one line. */
export function inert(text: string | undefined): string {
  return (text ?? '')
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/\$\(/g, `$${ZERO_WIDTH_SPACE}(`)
    .replace(/\]\(/g, `]${ZERO_WIDTH_SPACE}(`);
}

/** For Markdown inside a line (the many-pictures report): what can make a link, an image, emphasis, a cell or HTML is escaped. */
export function markdownText(text: string | undefined): string {
  return (text ?? '')
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/[\\`*_{}[\]()#+!|~]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** For the log: who a request is about, by number and name beside the ids its URLs carry; quoted, so a name is one token on one line. */
export function logTarget(company: { id: string; displayName: string }, customer?: { id: string; number: string; displayName: string }): string {
  const quoted = (text: string) => JSON.stringify(text);
  const companyPart = `company ${quoted(company.displayName)} (${company.id})`;
  return customer ? `customer ${quoted(customer.number)} ${quoted(customer.displayName)} (${customer.id}) in ${companyPart}` : companyPart;
}
