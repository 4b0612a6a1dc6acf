/**
 * The logic of an actor or action a machine declares and its runtime must `provide`: used
 * unprovided, it fails loudly, naming what is missing (a fromPromise rejects, a callback errors).
 */
export function notProvided(name: string): () => never {
  return () => {
    throw new Error(`not provided: ${name}`);
  };
}
