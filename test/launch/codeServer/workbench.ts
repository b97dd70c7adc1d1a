/** What the browser opens: the workbench's remote authority and its URL with a payload. */
import type { Server } from './server';
import { say } from './log';

function decodeHtmlAttribute(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The workbench's remote authority, from the page's web configuration (normally `remote`). */
export async function remoteAuthority(server: Server, workspace: string): Promise<string> {
  try {
    const response = await fetch(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    const html = await response.text();
    const match = /id="vscode-workbench-web-configuration"[^>]*data-settings="([^"]*)"/.exec(html);
    if (match) {
      const settings = JSON.parse(decodeHtmlAttribute(match[1])) as { remoteAuthority?: string };
      if (settings.remoteAuthority) {
        return settings.remoteAuthority;
      }
    }
  } catch (error) {
    say(`could not read the web configuration (${String(error)}); assuming the remote authority "remote"`);
  }
  return 'remote';
}

export function workbenchUrl(server: Server, workspace: string, payload: [string, string][]): string {
  const url = new URL(server.url + '/');
  url.searchParams.set('folder', workspace);
  url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}
