import { PlatformStartError } from './adapters/start-with-retry.ts';
import { StoreOpenError } from './store/store-open-error.ts';

/**
 * The one sentence printed when pinbot stops on an error nothing else handled. A native addon
 * built for another Node.js (after switching versions, or a CI run on another Node) gets the
 * command that fixes it instead of Node's own advice.
 */
export function fatalMessage(error: unknown): string {
  // A chat platform refused its token: a configuration error, said as one.
  if (error instanceof PlatformStartError) return `pinbot can't start: ${error.message}`;
  if (error instanceof StoreOpenError) return `pinbot can't start: ${error.message}`;
  const listen = listenFailure(error);
  if (listen !== undefined) return `pinbot can't start: ${listen}`;
  const mismatch = nativeModuleMismatch(error);
  if (mismatch !== undefined) {
    return `pinbot can't start: ${mismatch.module} was built for another version of Node.js (NODE_MODULE_VERSION ${mismatch.builtFor}; `
      + `Node.js ${process.version} needs ${process.versions.modules}). Run \`npm rebuild ${mismatch.module}\` with this Node.js, then start pinbot again.`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `pinbot stopped on an unexpected error: ${message.replace(/\s*\n\s*/g, ' ').trim()}`;
}

/** The port PORT names cannot be listened on (Node's `listen EADDRINUSE: …`), as the operator would say it. */
function listenFailure(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const { code, port, syscall } = current as NodeJS.ErrnoException & { port?: unknown };
    if (syscall !== 'listen' && code !== 'EADDRINUSE') continue;
    const where = typeof port === 'number' ? `port ${port}` : 'the port PORT names';
    if (code === 'EADDRINUSE') return `${where} is already in use by another program: stop it, or set PORT to a free port.`;
    if (code === 'EACCES' || code === 'EPERM') return `${where} needs privileges this user does not have: set PORT to 1024 or above.`;
    if (code === 'EADDRNOTAVAIL') return `${where} cannot be listened on: this machine has no such address.`;
  }
  return undefined;
}

interface NativeModuleMismatch {
  /** The npm package that holds the addon. */
  readonly module: string;
  readonly builtFor: string;
}

function nativeModuleMismatch(error: unknown): NativeModuleMismatch | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const builtFor = /compiled against a different Node\.js version using\s+NODE_MODULE_VERSION (\d+)/.exec(current.message)?.[1];
    if (builtFor === undefined) continue;
    const module = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(current.message)?.[1] ?? 'better-sqlite3';
    return { module, builtFor };
  }
  return undefined;
}
