import pino, { type Logger } from 'pino';

/** The one logger: JSON lines on stderr, so stdout stays for what a person asked to see. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'vpc-eni' } }, pino.destination(2));
}

export type { Logger };
