/** Typed arrays that grow by doubling, so appending a million rows stays linear. */
type TypedArray = Uint8Array | Uint32Array | Int32Array | Float64Array;
type Ctor<T extends TypedArray> = new (length: number) => T;

export function grow<T extends TypedArray>(ctor: Ctor<T>, arr: T, needed: number): T {
  if (needed <= arr.length) return arr;
  let cap = Math.max(16, arr.length);
  while (cap < needed) cap *= 2;
  const next = new ctor(cap);
  next.set(arr as never);
  return next;
}
