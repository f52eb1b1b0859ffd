/**
 * An adapter created on first use. A function's cold start loads the AWS SDK package of every client
 * it creates; a service it calls rarely (the stage function's S3 for evidence packs, Step Functions
 * for a ladder's continuation, EventBridge for handoff events) need not be paid for on every cold
 * start. `create` imports the adapter's module (which imports the SDK package) and builds it; the
 * first call of any method awaits it, later calls reuse it, and a failed creation is tried again on
 * the next call. Only for adapters whose methods are all asynchronous.
 */
// biome-ignore lint/suspicious/noExplicitAny: any method signature, each returning a promise.
type AsyncMethods<T> = { [K in keyof T]: T[K] extends (...args: any[]) => Promise<unknown> ? T[K] : never };

export function lazily<T extends AsyncMethods<T>>(create: () => Promise<T>): T {
  let instance: Promise<T> | undefined;
  const get = () => {
    instance ??= create().catch((error: unknown) => {
      instance = undefined;
      throw error;
    });
    return instance;
  };
  return new Proxy({} as T, {
    get:
      (_target, method) =>
      async (...args: unknown[]) => {
        const adapter = await get();
        const fn = adapter[method as keyof T] as unknown as (...a: unknown[]) => Promise<unknown>;
        return fn.apply(adapter, args);
      },
  });
}
