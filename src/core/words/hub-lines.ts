import type { HubCheck, HubProblem, ModelFacts } from '../domain/model-catalog.ts';
import { code, text, type Line } from '../domain/ui.ts';

/** One short line per model a pending change adds or moves: what the Hub says about it. */
export function hubCheckLines(checks: readonly HubCheck[]): Line[] {
  return checks.map((check): Line => [
    text('Hub: '),
    code(check.modelId),
    text(check.kind === 'found' ? ` — ${describeFacts(check.facts)}` : ' — not checked on the Hub (it was unreachable, failing or too slow)'),
  ]);
}

function describeFacts(facts: ModelFacts): string {
  return [
    facts.task ?? 'no inference task (no pipeline_tag)',
    facts.library ?? 'library not stated',
    facts.gated === false ? 'not gated' : `gated (${facts.gated === 'manual' ? 'manual' : 'automatic'} approval)`,
    ...(facts.private ? ['private'] : []),
    ...(facts.lastModified !== undefined ? [`updated ${facts.lastModified.slice(0, 10)}`] : []),
  ].join(' · ');
}

/** The refusal, one sentence per model the Hub does not offer to this scope's token. */
export function hubProblemLines(problems: readonly HubProblem[]): Line[] {
  const lines = problems.map((problem): Line => {
    if (problem.kind === 'gated-denied') {
      return [code(problem.modelId), text(" is gated on the Hugging Face Hub and this scope's token has not been granted access; request access on its Hub page first.")];
    }
    const line: Line[number][] = [code(problem.modelId), text(" is not on the Hugging Face Hub, or it is private and this scope's token cannot see it.")];
    problem.suggestions.forEach((suggestion, index) => {
      line.push(text(index === 0 ? ' Did you mean ' : index === problem.suggestions.length - 1 ? ' or ' : ', '), code(suggestion));
    });
    if (problem.suggestions.length > 0) line.push(text('?'));
    return line;
  });
  return [...lines, [text('Nothing was proposed.')]];
}
