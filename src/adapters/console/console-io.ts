/** The terminal as a console session uses it. */
export interface ConsoleIo {
  write(text: string): void;
  /** Prints something pinbot says on its own, between commands; a prompt being shown is shown again after it. */
  notice(text: string): void;
  /** The next line typed, or `undefined` at the end of input. */
  readLine(prompt: string): Promise<string | undefined>;
}
