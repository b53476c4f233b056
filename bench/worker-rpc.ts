import { parentPort, Worker, type Transferable } from 'node:worker_threads';

/**
 * The chat platform's side of a benchmark runs in a worker thread: its clock and event loop are
 * then not the ones pinbot keeps busy, so an ack is timed when its bytes arrive, as Slack or
 * Discord would see it, and not when pinbot's post-ack work lets a same-thread client run.
 */

type Handlers = Record<string, (arg: never) => Promise<unknown>>;
type Reply = { readonly id: number; readonly result: unknown } | { readonly id: number; readonly error: string };

export interface WorkerClient<H extends Handlers> {
  /** `transfer` lists what `arg` hands over rather than copies (a MessagePort). */
  call<M extends keyof H & string>(method: M, arg: Parameters<H[M]>[0], transfer?: readonly Transferable[]): Promise<Awaited<ReturnType<H[M]>>>;
  close(): Promise<void>;
}

/** Starts `file` (TypeScript, through tsx) in a worker thread serving `handlers` with `serveWorker`. */
export function startWorker<H extends Handlers>(file: URL): WorkerClient<H> {
  const worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}); });`, { eval: true });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let next = 0;
  worker.on('message', (reply: Reply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if ('error' in reply) waiter?.reject(new Error(reply.error));
    else waiter?.resolve(reply.result);
  });
  worker.on('error', (error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  });
  return {
    call: (method, arg, transfer = []) => new Promise((resolve, reject) => {
      pending.set(++next, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id: next, method, arg }, [...transfer]);
    }),
    close: async () => {
      await worker.terminate();
    },
  };
}

/** Inside the worker: answers each call with its handler's result. */
export function serveWorker(handlers: Handlers): void {
  parentPort?.on('message', (call: { id: number; method: string; arg: unknown }) => {
    const handler = handlers[call.method];
    (handler ? handler(call.arg as never) : Promise.reject(new Error(`no handler ${call.method}`))).then(
      (result) => parentPort?.postMessage({ id: call.id, result } satisfies Reply),
      (error: unknown) => parentPort?.postMessage({ id: call.id, error: error instanceof Error ? error.message : String(error) } satisfies Reply),
    );
  });
}

/** Wall-clock milliseconds comparable across threads. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** `work`, or an error naming `what` after 30 s: an answer that never comes fails the bench, not hangs it. */
export async function within<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`bench: timed out waiting for ${what}`)), 30_000);
    })]);
  } finally {
    clearTimeout(timer);
  }
}
