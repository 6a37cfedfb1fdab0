// What to say when an option was given a list with spaces (`compare
// --activation relu sigmoid`), which the argument parser only reports as
// "too many arguments": the same list in the comma form the option takes, or,
// for an option of one value, that `compare` is the command that takes a
// list. Reads the command's own option definitions, so no command has to
// know about it.

import type { Command, Option } from "commander";

/** An option that takes a comma list (its value is named a list, or its description says comma). */
function takesList(option: Option): boolean {
  return /list/i.test(option.flags) || /comma/i.test(option.description);
}

/**
 * The hint for `argv` (process.argv: node, script, command, …), or undefined
 * when no option there is followed by more than one bare word.
 */
export function spaceSeparatedListHint(program: Command, argv: readonly string[]): string | undefined {
  const args = argv.slice(2);
  const command = program.commands.find((c) => c.name() === args[0] || c.aliases().includes(args[0] ?? ""));
  if (!command) return undefined;
  for (let i = 1; i < args.length; i++) {
    const token = args[i]!;
    if (token === "--") break;
    const [flag, inline] = token.startsWith("--") && token.includes("=") ? [token.slice(0, token.indexOf("=")), token.slice(token.indexOf("=") + 1)] : [token, undefined];
    const option = command.options.find((o) => o.long === flag || o.short === flag);
    if (!option || !(option.required || option.optional)) continue;
    const values = inline !== undefined ? [inline] : args.slice(i + 1, i + 2);
    let next = i + 1 + (inline !== undefined ? 0 : 1);
    while (next < args.length && !args[next]!.startsWith("-")) values.push(args[next++]!);
    if (values.length < 2) continue;
    const list = values.flatMap((value) => value.split(",")).map((value) => value.trim()).filter((value) => value !== "").join(",");
    const long = option.long ?? flag;
    if (takesList(option)) return `${long} takes a list with commas and no spaces: ${long} ${list}`;
    const compare = program.commands.find((c) => c.name() === "compare")?.options.find((o) => o.long === long);
    const several = compare && takesList(compare) ? ` To train one run for each, use: npx lenet-lab compare ${long} ${list}` : "";
    return `${long} takes one value; "${values.slice(1).join(" ")}" is left over.${several}`;
  }
  return undefined;
}
