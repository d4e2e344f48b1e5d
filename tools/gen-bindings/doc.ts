/**
 * Turns the headers' doxygen comments into plain text for TSDoc and error explanations.
 * @module
 */

/** Removes the comment frame and doxygen markup; paragraphs are separated by blank lines. */
export function cleanDoc(raw: string): string {
  const lines = raw.split('\n').map((l) => l.replace(/^\s*\*?[ \t]?/, '').replace(/\s+$/, ''));
  let text = lines
    .filter((l) => !/^\\(typedef|struct|union|enum|defgroup|ingroup|addtogroup|file|fn|def)\b/.test(l.trim()))
    .join('\n');
  text = text
    .replace(/___MANBRIEF___[\s\S]*?___ENDMANBRIEF___/g, '')
    .replace(/@[{}]/g, '')
    .replace(/\\ref\s+\S+\s+"([^"]*)"/g, '$1')
    .replace(/\\ref\s+(\S+)/g, '$1')
    .replace(/\\(p|c)\s+([\w:.>-]+)/g, '`$2`')
    .replace(/\\(e|b|a|em)\s+(\S+)/g, '$2')
    .replace(/\\brief\s*/g, '')
    .replace(/\\deprecated\b\s*/g, '\n\nDeprecated: ')
    .replace(/\\note\s+/g, 'Note: ')
    .replace(/\\note\w*/g, '')
    .replace(/\\(code|endcode)\b/g, '')
    .replace(/\\n\b/g, '')
    .replace(/<\/?(b|i|tt|em|code)>/gi, '')
    .replace(/<br\s*\/?>/gi, '')
    .replace(/(\w)::(\w)/g, '$1.$2')
    .replace(/::(\w)/g, '$1');
  const paragraphs = text.split(/\n\s*\n/).map((p) => p.split('\n').map((l) => l.trim()).filter((l) => l !== ''));
  return paragraphs
    .filter((p) => p.length > 0)
    .map((p) => p.reduce((acc, l) => (acc === '' ? l : /^[-*] /.test(l) ? `${acc}\n${l}` : `${acc} ${l}`), ''))
    .join('\n\n')
    .trim();
}

/** The description part of a function's doc: everything before `\param`, `\return` or `\sa`. */
function description(raw: string): string {
  const cut = raw.search(/\\(param|returns?|sa|retval)\b/);
  return cut < 0 ? raw : raw.slice(0, cut);
}

/** The `\brief` line of a doc comment (the headers keep it to one line), or its first paragraph. */
export function briefOf(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const m = /\\brief\s+(.*)/.exec(raw);
  const text = cleanDoc(m ? m[1]! : description(raw)).split('\n\n')[0];
  return text === undefined || text === '' ? undefined : text;
}

/** The text of a `\deprecated` paragraph, if the doc has one. */
export function deprecationOf(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const m = /\\deprecated\b\s*([\s\S]*?)(\n\s*\*?\s*\n|\\(param|returns?|sa)\b|$)/.exec(raw);
  if (!m) return undefined;
  const text = cleanDoc(m[1]!);
  return text === '' ? 'Deprecated.' : text;
}

/** The text in one line (for string tables such as the CUresult explanations). */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A TSDoc comment with the given lines (already clean text), indented. */
export function tsdoc(text: string, indent = ''): string {
  const body = text.replace(/\*\//g, '*\\/').split('\n');
  if (body.length === 1) return `${indent}/** ${body[0]} */\n`;
  return `${indent}/**\n${body.map((l) => (l === '' ? `${indent} *` : `${indent} * ${l}`)).join('\n')}\n${indent} */\n`;
}
