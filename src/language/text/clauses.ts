// A message's clauses: the text between punctuation and spaces. Citizens type several
// questions in one message ("驾照到期了 能提前换吗 体检去哪做 多少钱"), often with spaces
// for commas; each clause is read on its own where that matters.

export const CLAUSE_BREAK = /[\s,.!?;:，。！？；：、]+/u;

/** The non-empty clauses of a text, in order. */
export function splitClauses(text: string): string[] {
  return text.split(CLAUSE_BREAK).filter((clause) => clause.length > 0);
}
