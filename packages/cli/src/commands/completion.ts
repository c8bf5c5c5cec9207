/**
 * `hh-oauth completion [bash|zsh]`: a completion script made from the command tree itself, so it
 * never drifts from the commands. Install: `eval "$(hh-oauth completion bash)"` in ~/.bashrc, or
 * `hh-oauth completion zsh` (bash completion through zsh's `bashcompinit`) in ~/.zshrc.
 */
import type { Command } from 'commander';
import { CliError } from '../errors.js';

function words(command: Command): string {
  const subcommands = command.commands.map((c) => c.name());
  const options = command.options.flatMap((o) => [o.short, o.long].filter((x): x is string => !!x));
  return [...subcommands, ...options, '--help'].join(' ');
}

export function completionScript(program: Command, shell: string): string {
  if (shell !== 'bash' && shell !== 'zsh') {
    throw new CliError(
      'invalid_argument',
      'usage',
      `no completion for ${JSON.stringify(shell)}`,
      'Use `hh-oauth completion bash` or `hh-oauth completion zsh`.',
    );
  }
  const cases = program.commands
    .map((c) => {
      const nested = c.commands
        .map((n) => `        ${c.name()}:${n.name()}) words="${words(n)}";;`)
        .join('\n');
      return `${nested ? `${nested}\n` : ''}        ${c.name()}|${c.name()}:*) words="${words(c)}";;`;
    })
    .join('\n');
  const bash = `_hh_oauth() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" words
  if [ "$COMP_CWORD" -eq 1 ]; then
    words="${words(program)}"
  else
    case "\${COMP_WORDS[1]}:\${COMP_WORDS[2]}" in
${cases}
    esac
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _hh_oauth hh-oauth
`;
  return shell === 'zsh' ? `autoload -U +X bashcompinit && bashcompinit\n${bash}` : bash;
}
