/** Makes a switch over a discriminated union fail to compile when a new member is not handled. */
export function assertNever(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
