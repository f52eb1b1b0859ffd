/**
 * A value made on its first use and kept. The zod schemas are built this way: a schema is created
 * the first time something parses with it, not when its module loads, so a Lambda function's cold
 * start builds none of the schemas it may never use (docs/benchmarks.md, cold start). Each schema
 * keeps its one definition; its users call it (`LoanDelinquentSchema().safeParse(detail)`).
 */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}
