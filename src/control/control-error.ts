/** A refusal of a test-control request: its HTTP status and a message naming what is wrong. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
