/** The error `run` throws or rejects with; fails the test when it succeeds. */
export async function failure(run: () => unknown): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}
