/**
 * Returns the first `count` keywords of a statement, upper-cased, after
 * skipping whitespace, `-- line` and `/* block *\/` comments. Cheap enough for
 * the query hot path: it stops scanning as soon as it has what it needs.
 */
export function leadingKeywords(sql: string, count: number): string[] {
  const words: string[] = []
  let i = 0
  const n = sql.length
  while (i < n && words.length < count) {
    const c = sql.charCodeAt(i)
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 59 /* ; */ || c === 40 /* ( */) {
      i++
    } else if (c === 45 /* - */ && sql.charCodeAt(i + 1) === 45) {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? n : end + 1
    } else if (c === 47 /* / */ && sql.charCodeAt(i + 1) === 42 /* * */) {
      const end = sql.indexOf('*/', i + 2)
      i = end === -1 ? n : end + 2
    } else if (c === 35 /* # */) {
      // MySQL line comment
      const end = sql.indexOf('\n', i)
      i = end === -1 ? n : end + 1
    } else {
      let j = i
      while (j < n && isWordChar(sql.charCodeAt(j))) j++
      if (j === i) break
      words.push(sql.slice(i, j).toUpperCase())
      i = j
    }
  }
  return words
}

function isWordChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95
}
