// Kept apart from engine.ts, which front-ends load without any client code.
import { isNotFound } from "../api/errors";

/** The promise's value, or undefined when Spot says the object does not exist (reads of gone objects, repeated deletes). */
export async function orGone<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
