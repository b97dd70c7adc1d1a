/**
 * Loads one extension bundle in this fresh process with the `vscode` stand-in and runs `activate()`.
 * Usage: node activateChild.js <bundle.js>; prints {"ms": require+activate, "sinceStart": ms since process start}.
 */
import { createContextStub, installVscodeStub } from './vscodeStub';

const bundle = process.argv[2];
installVscodeStub();
const started = performance.now();
 
const extension = require(bundle) as { activate(context: unknown): unknown };
extension.activate(createContextStub());
const ended = performance.now();
process.stdout.write(JSON.stringify({ ms: ended - started, sinceStart: ended }) + '\n');
