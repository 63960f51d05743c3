/**
 * Objects whose existence Spot's list decides (it documents no not-found answer for their own GET): the list and
 * the object's own GET are asked for at the same time, not one after the other, so that a refresh under latency
 * pays one round trip per object instead of two. The same calls are sent; when the list says the object is gone,
 * the GET's answer (or error) is dropped and `gone()` is thrown.
 */
export async function readListed<T>(o: {
  /** Whether the list (cached or fresh, as the caller decides) still has the object. */
  listed: () => Promise<boolean>;
  read: () => Promise<T>;
  gone: () => Error;
}): Promise<T> {
  const asked = o.read().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!(await o.listed())) {
    await asked;
    throw o.gone();
  }
  const got = await asked;
  if ("error" in got) throw got.error;
  return got.value;
}
