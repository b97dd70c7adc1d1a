#!/usr/bin/env node
/**
 * npm run emulator -- [--port N] [--host 127.0.0.1] [--data demo|empty] [--big [N]]
 *                     [--user NAME --key KEY] [--token TOKEN]... [--graph-token TOKEN]...
 *                     [--graph-post-refused] [--server-version current|old]
 *                     [--profile strict|online] [--lifetime SECONDS] [--quiet]
 * Prints the base URLs and credentials, logs one line per request (never
 * credentials) and runs until SIGINT/SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { DEMO, type EmulatorOptions, startEmulator } from './index';

const HELP = `Business Central emulator (local, strict like the service)

  --port N              port (default 0: a free port)
  --host ADDRESS        interface (default 127.0.0.1)
  --data demo|empty     demo companies and customers (default demo) or none
  --big [N]             add the company "${DEMO.bigCompanyName}" with N customers (default ${DEMO.bigCustomers})
  --user NAME           Basic authentication user name (default ADMIN)
  --key KEY             Basic authentication web service key (default: generated)
  --token TOKEN         accept this bearer token for Business Central (repeatable; default: generated)
  --graph-token TOKEN   accept this bearer token for Graph (repeatable; default: generated)
  --graph-post-refused  refuse Graph's POST picture like Business Central does
  --server-version current|old
                        current (default): strict like today's service; old: a server
                        from before April 2024 (ignores 'in', no $schemaversion=2.1)
  --profile strict|online
                        strict (default): answers at once; online: also takes the
                        service's time (150 ms a request, 400 ms per MiB imported), so
                        5 requests of a user run at once and up to 95 queue
  --lifetime SECONDS    stop after this many seconds (a test that leaves it running across a window reload)
  --quiet               do not log requests
`;

interface Parsed {
  options: EmulatorOptions;
  user: string;
  key: string;
  tokens: string[];
  graphTokens: string[];
  quiet: boolean;
  lifetimeSeconds?: number;
}

function parse(argv: string[]): Parsed {
  const out: Parsed = { options: {}, user: 'ADMIN', key: '', tokens: [], graphTokens: [], quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) {
        throw new Error(`${arg} needs a value`);
      }
      return v;
    };
    switch (arg) {
      case '--port': {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          throw new Error('--port must be 0..65535');
        }
        out.options.port = port;
        break;
      }
      case '--host':
        out.options.host = value();
        break;
      case '--data': {
        const d = value();
        if (d !== 'demo' && d !== 'empty') {
          throw new Error('--data must be demo or empty');
        }
        out.options.data = d;
        break;
      }
      case '--big': {
        const next = argv[i + 1];
        out.options.bigCompany = next !== undefined && /^\d+$/.test(next) ? Number(argv[++i]) : true;
        break;
      }
      case '--user':
        out.user = value();
        break;
      case '--key':
        out.key = value();
        break;
      case '--token':
        out.tokens.push(value());
        break;
      case '--graph-token':
        out.graphTokens.push(value());
        break;
      case '--server-version': {
        const v = value();
        if (v !== 'current' && v !== 'old') {
          throw new Error('--server-version must be current or old');
        }
        out.options.serverVersion = v;
        break;
      }
      case '--profile': {
        const v = value();
        if (v !== 'strict' && v !== 'online') {
          throw new Error('--profile must be strict or online');
        }
        out.options.profile = v;
        break;
      }
      case '--graph-post-refused':
        out.options.graphPostRefused = true;
        break;
      case '--quiet':
        out.quiet = true;
        break;
      case '--lifetime': {
        const seconds = Number(value());
        if (!(seconds > 0)) {
          throw new Error('--lifetime must be a number of seconds above 0');
        }
        out.lifetimeSeconds = seconds;
        break;
      }
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  let parsed: Parsed;
  try {
    parsed = parse(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  const key = parsed.key || randomBytes(24).toString('base64');
  const tokens = parsed.tokens.length ? parsed.tokens : [`bc-${randomBytes(16).toString('hex')}`];
  const graphTokens = parsed.graphTokens.length ? parsed.graphTokens : [`graph-${randomBytes(16).toString('hex')}`];
  const emu = await startEmulator({
    ...parsed.options,
    basic: { userName: parsed.user, key },
    log: parsed.quiet ? undefined : (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  });
  for (const t of tokens) {
    emu.acceptToken(t, { audience: 'businesscentral', user: 'cli-user' });
  }
  for (const t of graphTokens) {
    emu.acceptToken(t, { audience: 'graph', user: 'cli-user' });
  }
  const lines = [
    `Business Central emulator listening on ${emu.url}`,
    `  Business Central API v2.0: ${emu.bcBaseUrl('production')}`,
    `                   (tenant): ${emu.bcBaseUrl('production', emu.data.tenantId)}`,
    `                  (sandbox): ${emu.bcBaseUrl('sandbox')}`,
    `  Environments:              ${emu.environmentsUrl}`,
    `  Graph beta financials:     ${emu.graphBaseUrl}${parsed.options.graphPostRefused ? '   (POST picture refused)' : ''}`,
    `  Tenant id:                 ${emu.data.tenantId}`,
    `  Server version:            ${emu.serverVersion}${emu.serverVersion === 'old' ? " (ignores 'in', no $schemaversion=2.1)" : ''}`,
    `  Bearer token (Business Central): ${tokens.join(', ')}`,
    `  Bearer token (Graph):            ${graphTokens.join(', ')}`,
    `  Basic: user ${parsed.user}, web service key ${key}`,
    `  Companies: ${emu.data.environments.map((e) => `${e.info.name}: ${e.companies.map((c) => `${c.info.name} (${c.id})`).join(', ') || 'none'}`).join('; ')}`,
    'Press Ctrl+C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    void emu.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (parsed.lifetimeSeconds) setTimeout(stop, parsed.lifetimeSeconds * 1000).unref();
}

void main();
