const INDENT = '  ';

function isBlankText(node: Node): boolean {
  return node.nodeType === Node.TEXT_NODE && (node.textContent ?? '').trim() === '';
}

function isTextLike(node: Node): boolean {
  return node.nodeType === Node.TEXT_NODE || node.nodeType === Node.CDATA_SECTION_NODE;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Built from the DOM rather than with XMLSerializer on the element, because serializing a child on
 * its own repeats the inherited `xmlns` on every element and buries the WPI items in noise.
 */
function startTag(element: Element): string {
  const attributes = Array.from(element.attributes, (a) => ` ${a.name}="${escapeAttribute(a.value)}"`).join('');
  return `<${element.tagName}${attributes}>`;
}

function writeNode(node: Node, depth: number, lines: string[], serializer: XMLSerializer): void {
  const pad = INDENT.repeat(depth);
  if (node.nodeType !== Node.ELEMENT_NODE) {
    lines.push(pad + serializer.serializeToString(node).trim());
    return;
  }
  const element = node as Element;
  const children = Array.from(element.childNodes).filter((child) => !isBlankText(child));
  const open = startTag(element);
  if (children.length === 0) {
    lines.push(`${pad}${open.slice(0, -1)}/>`);
  } else if (children.every(isTextLike)) {
    // Item values stay on the tag's line, untouched: their whitespace is part of the value.
    const text = children.map((child) => serializer.serializeToString(child)).join('');
    lines.push(`${pad}${open}${text}</${element.tagName}>`);
  } else {
    lines.push(pad + open);
    for (const child of children) writeNode(child, depth + 1, lines, serializer);
    lines.push(`${pad}</${element.tagName}>`);
  }
}

/**
 * Indents an XML document for reading. Input that does not parse is returned unchanged, so a
 * broken message from a phone is still shown exactly as it arrived.
 */
export function prettyXml(xml: string): string {
  if (xml.trim() === '') return '';
  const document = new DOMParser().parseFromString(xml, 'application/xml');
  if (document.getElementsByTagName('parsererror').length > 0) return xml;
  const serializer = new XMLSerializer();
  const lines: string[] = [];
  // The XML declaration is not a DOM node; keep the phone's own one.
  const declaration = /^\s*(<\?xml[^>]*\?>)/.exec(xml)?.[1];
  if (declaration) lines.push(declaration);
  for (const node of Array.from(document.childNodes)) writeNode(node, 0, lines, serializer);
  return lines.join('\n');
}
