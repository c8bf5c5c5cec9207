/**
 * Reads a `--config` file: JSON (`.json`) or YAML (anything else; YAML 1.2 reads JSON too), with
 * duplicate keys refused. The result is checked by `parseConfig`.
 *
 * @see https://yaml.org/spec/1.2.2/ YAML 1.2
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { EmulatorInputError } from './errors.js';

export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new EmulatorInputError(`cannot read the config file ${path} (${code})`);
  }
  try {
    if (path.toLowerCase().endsWith('.json')) return JSON.parse(text);
    return parseYaml(text, { uniqueKeys: true, prettyErrors: true }) ?? {};
  } catch (error) {
    const firstLine = (error as Error).message.split('\n')[0];
    throw new EmulatorInputError(`the config file ${path} is not valid: ${firstLine}`);
  }
}
