import { type Interval, newcombeDifference } from './intervals.js';
import { type Efficiency, efficiency, type ReportLoan, type RunAverages } from './metrics.js';

/**
 * Champion against challenger (functions/domain/experiment.ts assigns the arms): each arm's cure rate
 * with its Wilson 95% interval, the difference (challenger minus champion) with Newcombe's hybrid
 * score 95% interval, and a verdict in plain words. A cure is CURED (paid in full), as in the run's
 * summary; a settlement is not a cure.
 */
export interface ArmResult extends Efficiency {
  arm: 'champion' | 'challenger';
  /** The policy (ladder) the arm ran. */
  policy: string;
}
export interface ArmComparison {
  champion: ArmResult;
  challenger: ArmResult;
  /** Challenger's cure rate minus champion's, and its 95% interval. */
  difference: number;
  interval: Interval;
  /** True when the interval excludes 0: the difference is distinguishable from chance at 95%. */
  distinguishable: boolean;
  verdict: string;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const points = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;

/** The comparison, or null when the run had no experiment (or one arm got no loans). */
export function compareArms(loans: ReportLoan[], run: RunAverages): ArmComparison | null {
  const arm = (name: 'champion' | 'challenger'): ArmResult | null => {
    const mine = loans.filter((l) => l.arm === name);
    const first = mine[0];
    return first ? { arm: name, policy: first.policy, ...efficiency(mine, run) } : null;
  };
  const champion = arm('champion');
  const challenger = arm('challenger');
  if (!champion || !challenger) return null;
  const interval = newcombeDifference(challenger.cured, challenger.loans, champion.cured, champion.loans);
  if (!interval) return null;
  const difference = challenger.cured / challenger.loans - champion.cured / champion.loans;
  const distinguishable = interval.low > 0 || interval.high < 0;
  return {
    champion,
    challenger,
    difference,
    interval,
    distinguishable,
    verdict: verdict(champion, challenger, difference, interval, distinguishable),
  };
}

function verdict(
  champion: ArmResult,
  challenger: ArmResult,
  difference: number,
  interval: Interval,
  distinguishable: boolean,
): string {
  const direction =
    difference > 0
      ? 'cures more loans than'
      : difference < 0
        ? 'cures fewer loans than'
        : 'cures as many loans as';
  const rates = `${pct(challenger.cured / challenger.loans)} of ${challenger.loans} against ${pct(champion.cured / champion.loans)} of ${champion.loans}`;
  const range = `${points(difference)} points, 95% interval ${points(interval.low)} to ${points(interval.high)}`;
  const chance = distinguishable
    ? 'the difference is distinguishable from chance at 95% (the interval excludes zero).'
    : 'the difference is not distinguishable from chance at 95% (the interval includes zero); more loans per arm would narrow it.';
  return `The challenger (${challenger.policy}) ${direction} the champion (${champion.policy}): ${rates} (${range}); ${chance}`;
}
