/** "Gone" handling the kinds share: a read of a deleted object, a repeated delete. */
import { isNotFound } from "../../api/errors";

/** The promise's value, or undefined when Spot says the object does not exist (reads of gone objects, repeated deletes). */
export async function orGone<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Read each id through `read`, dropping the ones that vanished meanwhile (kinds' list() helpers). */
export async function readAll<O>(
  ids: string[],
  read: (id: string) => Promise<O | undefined>,
): Promise<{ id: string; outputs: O }[]> {
  const results = await Promise.all(ids.map(async (id) => ({ id, outputs: await read(id) })));
  return results.flatMap((r) => (r.outputs === undefined ? [] : [{ id: r.id, outputs: r.outputs as O }]));
}
