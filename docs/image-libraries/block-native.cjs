// Preload for the sharp-wasm32 run: hide @img/sharp-<os>-<arch> so sharp falls back to @img/sharp-wasm32
// (the parent node_modules holds the native package, which Node would otherwise find up the tree).
const M = require('module'), orig = M._resolveFilename;
M._resolveFilename = function (req, ...a) { if (/^@img\/sharp-(libvips-)?(linux|darwin|win32|linuxmusl)-/.test(req)) throw Object.assign(new Error('blocked ' + req), { code: 'MODULE_NOT_FOUND' }); return orig.call(this, req, ...a); };
