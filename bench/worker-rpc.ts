import { parentPort, Worker, type Transferable } from 'node:worker_threads';

/**
 * The chat platform's side of a benchmark runs in a worker thread: its clock and event loop are
 * then not the ones pinbot keeps busy, so an ack is timed when its bytes arrive, as Slack or
 * Discord would see it, and not when pinbot's post-ack work lets a same-thread client run.
 */

type Handlers = Record<string, (arg: never) => Promise<unknown>>;

interface Call { readonly id: number; readonly method: string; readonly arg: unknown }
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
      const id = ++next;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, method, arg } satisfies Call, [...transfer]);
    }),
    close: async () => {
      await worker.terminate();
    },
  };
}

/** Inside the worker: answers each call with its handler's result. */
export function serveWorker(handlers: Handlers): void {
  parentPort?.on('message', (call: Call) => {
    const handler = handlers[call.method];
    const work = handler ? handler(call.arg as never) : Promise.reject(new Error(`no handler ${call.method}`));
    work.then(
      (result) => parentPort?.postMessage({ id: call.id, result } satisfies Reply),
      (error: unknown) => parentPort?.postMessage({ id: call.id, error: error instanceof Error ? error.message : String(error) } satisfies Reply),
    );
  });
}

/** Wall-clock milliseconds comparable across threads. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
