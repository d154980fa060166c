/** What a synchronous call throws, for tests of refusals. */

/** The error of class `kind` that `f` throws; anything else thrown, or nothing, fails the test. */
// biome-ignore lint/suspicious/noExplicitAny: any constructor of an Error subclass
export function thrown<E extends Error>(kind: abstract new (...args: any[]) => E, f: () => unknown): E {
  try {
    f();
  } catch (e) {
    if (e instanceof kind) return e;
    throw e;
  }
  throw new Error(`expected a ${kind.name}, but nothing was thrown`);
}
