import { readFileSync } from 'node:fs';
import { Command, type CommanderError } from 'commander';
import { agentCommands } from '../local/cli/agent-commands.js';
import { auditCommands } from '../local/cli/audit-commands.js';
import { linkCommand } from '../local/cli/link-command.js';
import { runCommands } from '../local/cli/run-commands.js';
import { EXIT, isInputError, UsageError } from '../local/cli/usage.js';

/**
 * The `ladder` command. commander parses the arguments; each command loads what it needs when it
 * runs, so `ladder --help` and `ladder --version` load commander and nothing else.
 *
 * Exit codes (local/cli/usage.ts): 0 done, 1 a finding (tampering, a violation), 2 bad usage or bad
 * input with one line on stderr, 70 a bug in ladder.
 */
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** A command's words as typed ("audit verify"), to prefix its errors with. */
const pathOf = (command: Command): string => {
  const words: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) words.unshift(c.name());
  return words.join(' ');
};

/** The command whose action is running (set before each action), for errors thrown by actions. */
let running = '';

/** commander's own errors (an unknown option, a missing one, a bad value) end as every usage error does. */
const usageExit =
  (command: Command) =>
  (error: CommanderError): never => {
    if (error.exitCode === 0) process.exit(EXIT.ok); // --help, --version
    running = pathOf(command);
    const message = error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
    throw Object.assign(new UsageError(message), { parser: true });
  };

const program = new Command('ladder')
  .description('Collections ladder: local runtime, simulation and tools')
  .version(version, '-V, --version', 'print the version')
  .configureOutput({ writeErr: () => undefined, outputError: () => undefined })
  .showSuggestionAfterError(true)
  .hook('preAction', (_program, action) => {
    running = pathOf(action);
  });

runCommands(program);
agentCommands(program);
auditCommands(program);
linkCommand(program);
const everyCommand = (command: Command): Command[] => [command, ...command.commands.flatMap(everyCommand)];
for (const command of everyCommand(program)) command.exitOverride(usageExit(command));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (isInputError(error)) {
    // Bad input: one line, no stack trace, no output file; and how to get help.
    const command = running;
    const parser = (error as { parser?: boolean }).parser === true;
    const prefix = command && !error.message.startsWith(command) ? `${command}: ` : '';
    const hint = parser ? ` (see ladder ${command ? `${command} ` : ''}--help)` : '';
    console.error(`ladder: ${prefix}${error.message.split('\n')[0]}${hint}`);
    process.exit(EXIT.usage);
  }
  const e = error as Error;
  console.error(`ladder: internal error, please report it: ${e.name}: ${e.message.split('\n')[0]}`);
  if (process.env.LADDER_DEBUG) console.error(e.stack);
  else console.error('ladder: run again with LADDER_DEBUG=1 for the stack trace');
  process.exit(EXIT.internal);
}
