// cli.ts catches the class from cli-context.ts; re-exporting keeps `instanceof` true for both imports.
/** An error shown as one line, with the exit status the program should end with. */
export { CliError } from './cli-context.js';
