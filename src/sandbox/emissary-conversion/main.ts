/**
 * `node dist/sandbox/emissary-conversion/main.js --cert FILE --key FILE --port N [--host 127.0.0.1] [--outage-file FILE]`
 * kanary-emissary-conversion, following Emissary 3.10's documented v2⇄v3alpha1 field mapping; not
 * Emissary's own apiext. Prints one JSON line once listening; stops on SIGTERM/SIGINT.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startConversionWebhook } from './webhook-server.js';

const usage = 'usage: node dist/sandbox/emissary-conversion/main.js --cert FILE --key FILE --port N [--host 127.0.0.1] [--outage-file FILE]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { cert: { type: 'string' }, key: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, 'outage-file': { type: 'string' } },
    strict: true,
  });
  const port = Number(values.port);
  if (!values.cert || !values.key || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(usage);
  const webhook = await startConversionWebhook({
    certPem: readFileSync(values.cert, 'utf8'),
    keyPem: readFileSync(values.key, 'utf8'),
    port,
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values['outage-file'] !== undefined ? { outageFile: values['outage-file'] } : {}),
  });
  console.log(JSON.stringify({ msg: 'kanary-emissary-conversion listening', url: webhook.url }));
  const stop = (): void => {
    webhook.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(`kanary-emissary-conversion: ${(error as Error).message}`);
  process.exit(1);
});
