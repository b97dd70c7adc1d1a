/**
 * Runs in the page before any of its scripts: adds the extension to
 * `productConfiguration.trustedExtensionAuthAccess` in the workbench's web
 * configuration (the `data-settings` attribute of a meta element), so that
 * asking for an authentication session shows no consent dialog (dialogs are
 * refused in test mode). Patched both when the element is parsed and when
 * the workbench reads the attribute.
 */
export function trustExtensionForAuthScript(extensionId: string): string {
  // Plain JavaScript: this file is compiled without DOM types.
  return `(() => {
  const EXTENSION_ID = ${JSON.stringify(extensionId)};
  const ELEMENT_ID = 'vscode-workbench-web-configuration';
  const ATTRIBUTE = 'data-settings';
  const patch = (raw) => {
    if (!raw) return raw;
    try {
      const config = JSON.parse(raw);
      const product = (config.productConfiguration ??= {});
      const trusted = product.trustedExtensionAuthAccess;
      if (Array.isArray(trusted)) {
        if (!trusted.includes(EXTENSION_ID)) trusted.push(EXTENSION_ID);
      } else if (trusted && typeof trusted === 'object') {
        for (const provider of new Set([...Object.keys(trusted), 'microsoft'])) {
          const ids = (trusted[provider] ??= []);
          if (!ids.includes(EXTENSION_ID)) ids.push(EXTENSION_ID);
        }
      } else {
        product.trustedExtensionAuthAccess = [EXTENSION_ID];
      }
      window.__bcPicturesTrusted = true;
      return JSON.stringify(config);
    } catch {
      return raw;
    }
  };
  const getAttribute = Element.prototype.getAttribute;
  Element.prototype.getAttribute = function (name) {
    const value = getAttribute.call(this, name);
    return this.id === ELEMENT_ID && name === ATTRIBUTE ? patch(value) : value;
  };
  new MutationObserver((records, observer) => {
    const element = document.getElementById(ELEMENT_ID);
    if (element) {
      observer.disconnect();
      const patched = patch(getAttribute.call(element, ATTRIBUTE));
      if (patched !== null) element.setAttribute(ATTRIBUTE, patched);
    }
  }).observe(document, { childList: true, subtree: true });
})();`;
}
