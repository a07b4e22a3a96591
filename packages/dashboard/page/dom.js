// @ts-check

/**
 * Builds an element. Text goes in through `textContent` only and attributes
 * through `setAttribute`: nothing the server sends (a pool name, a workflow
 * type, an error message, SQL) is ever parsed as HTML.
 *
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {{ className?: string, text?: string, attrs?: Record<string, string> }} [props]
 * @param {Node[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag)
  if (props.className) node.className = props.className
  if (props.text !== undefined) node.textContent = props.text
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value)
  for (const child of children) node.append(child)
  return node
}

/**
 * Sets text only when it changed, so a steady page does no layout work.
 * @param {Element} node
 * @param {string} text
 */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text
}

/**
 * Replaces an element's children with `children`.
 * @param {Element} node
 * @param {Node[]} children
 */
export function replaceChildren(node, children) {
  node.replaceChildren(...children)
}
