/**
 * Imports an adapter package (or one of its entry points) without letting
 * the type checker see it: the adapters are written in parallel with this
 * suite, so their exports may not exist yet. The specifier is a variable on
 * purpose; a missing export is reported as "not yet available", never as a
 * crash or a compile error here.
 */
export async function loadAdapter(specifier: string, needed: readonly string[]): Promise<Record<string, any>> {
  let mod: Record<string, any>
  try {
    mod = (await import(specifier)) as Record<string, any>
  } catch (error) {
    throw new Error(`not yet available: ${specifier} cannot be imported (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`, { cause: error })
  }
  const missing = needed.filter((name) => mod[name] === undefined)
  if (missing.length > 0) throw new Error(`not yet available: ${specifier} does not export ${missing.join(', ')}`)
  return mod
}
