import { PlatformStartError } from './adapters/start-with-retry.ts';

/**
 * The one sentence printed when pinbot stops on an error nothing else handled. A native addon
 * built for another Node.js (after switching versions, or a CI run on another Node) gets the
 * command that fixes it instead of Node's own advice.
 */
export function fatalMessage(error: unknown): string {
  // A chat platform refused its token: a configuration error, said as one.
  if (error instanceof PlatformStartError) return `pinbot can't start: ${error.message}`;
  const mismatch = nativeModuleMismatch(error);
  if (mismatch !== undefined) {
    return `pinbot can't start: ${mismatch.module} was built for another version of Node.js (NODE_MODULE_VERSION ${mismatch.builtFor}; `
      + `Node.js ${process.version} needs ${process.versions.modules}). Run \`npm rebuild ${mismatch.module}\` with this Node.js, then start pinbot again.`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `pinbot stopped on an unexpected error: ${message.replace(/\s*\n\s*/g, ' ').trim()}`;
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
