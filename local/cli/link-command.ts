import type { Command } from 'commander';

/** `ladder link`: a fresh signed link to the borrower's page, for local use (local/link.ts). */
export function linkCommand(program: Command): void {
  program
    .command('link')
    .description("print a fresh signed link to the borrower's page for a loan of a local data directory")
    .requiredOption('--loan <id>', 'the loan')
    .requiredOption('--data <dir>', 'the data directory of `ladder serve --data` (its link key is there)')
    .option('--borrower <id>', 'whose loan it is (skips the store: use it while `ladder serve` holds it)')
    .option('--base <url>', 'where `ladder serve` listens', 'http://127.0.0.1:4510')
    .action(async (opts: { loan: string; data: string; borrower?: string; base: string }) => {
      const { localLink } = await import('../link.js');
      console.log(await localLink(opts));
    });
}
