/** A control was called with input that cannot work (unknown user, bad value). Answered with 400. */
export class EmulatorInputError extends Error {
  override name = 'EmulatorInputError';
}
