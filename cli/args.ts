/**
 * A command's arguments, parsed and checked; or undefined, with what was wrong and the command's usage
 * written to `err` (the command then exits 2). `parse` throws on an unknown or malformed option.
 */
export function commandArgs<T>(
  command: { name: string; usage: string },
  parse: () => T,
  problemOf: (parsed: T) => string | undefined,
  err: (s: string) => void,
): T | undefined {
  const refuse = (problem: string) => void err(`rapport ${command.name}: ${problem}\n\n${command.usage}`);
  let parsed: T;
  try {
    parsed = parse();
  } catch (e) {
    return refuse((e as Error).message);
  }
  const problem = problemOf(parsed);
  return problem === undefined ? parsed : refuse(problem);
}
