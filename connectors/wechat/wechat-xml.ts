// A small, strict XML reader and writer for WeChat's message format. WeChat's XML is
// a tiny subset — one <xml> root, elements holding text or CDATA, a little nesting,
// no attributes that matter — so a 150-line scanner covers it completely, and it
// simply has no DTD machinery: a DOCTYPE, an entity declaration or any entity beyond
// XML's five predefined ones is an error, never expanded. General parsers (e.g.
// fast-xml-parser) must be configured to be safe, are lenient about malformed input
// by default, and have had entity-handling CVEs; this one is safe by construction and
// runs in linear time.

export type XmlValue = string | XmlElement;
export interface XmlElement {
  [name: string]: XmlValue | XmlValue[];
}

export class XmlError extends Error {
  override name = "XmlError";
}

const MAX_DEPTH = 8;
const MAX_ELEMENTS = 1_000;
const NAME = /[A-Za-z_][\w.:-]*/y;
const ATTRIBUTE = /\s+[A-Za-z_][\w.:-]*\s*=\s*("[^"<]*"|'[^'<]*')/y;
const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Parses a WeChat message; returns the children of its <xml> root. */
export function parseWechatXml(text: string): XmlElement {
  const parser = new Parser(text);
  const { name, value } = parser.document();
  if (name !== "xml") throw new XmlError(`root element must be <xml>, not <${name}>`);
  return typeof value === "string" ? {} : value;
}

class Parser {
  private at = 0;
  private elements = 0;

  constructor(private readonly s: string) {}

  document(): { name: string; value: XmlValue } {
    if (this.s.charCodeAt(0) === 0xfeff) this.at = 1;
    this.skipWhitespace();
    if (this.s.startsWith("<?xml", this.at)) {
      const end = this.s.indexOf("?>", this.at);
      if (end < 0) throw this.error("unterminated XML declaration");
      this.at = end + 2;
    }
    this.skipMisc();
    const root = this.element(1);
    this.skipMisc();
    if (this.at !== this.s.length) throw this.error("content after the root element");
    return root;
  }

  private element(depth: number): { name: string; value: XmlValue } {
    if (depth > MAX_DEPTH) throw this.error("elements nested too deeply");
    if (++this.elements > MAX_ELEMENTS) throw this.error("too many elements");
    if (this.s[this.at] !== "<") throw this.error("expected an element");
    this.at++;
    const name = this.name();
    for (;;) {
      ATTRIBUTE.lastIndex = this.at;
      if (!ATTRIBUTE.test(this.s)) break;
      this.at = ATTRIBUTE.lastIndex; // attributes carry nothing in WeChat's format: checked, then ignored
    }
    this.skipWhitespace();
    if (this.s.startsWith("/>", this.at)) {
      this.at += 2;
      return { name, value: "" };
    }
    if (this.s[this.at] !== ">") throw this.error(`malformed start tag <${name}>`);
    this.at++;

    let text = "";
    let children: XmlElement | undefined;
    for (;;) {
      if (this.at >= this.s.length) throw this.error(`<${name}> is not closed`);
      const lt = this.s.indexOf("<", this.at);
      if (lt < 0) throw this.error(`<${name}> is not closed`);
      text += this.decodeText(this.s.slice(this.at, lt));
      this.at = lt;
      if (this.s.startsWith("</", this.at)) {
        this.at += 2;
        const closing = this.name();
        if (closing !== name) throw this.error(`</${closing}> closes <${name}>`);
        this.skipWhitespace();
        if (this.s[this.at] !== ">") throw this.error(`malformed end tag </${name}>`);
        this.at++;
        break;
      }
      if (this.s.startsWith("<![CDATA[", this.at)) {
        const end = this.s.indexOf("]]>", this.at + 9);
        if (end < 0) throw this.error("unterminated CDATA section");
        text += this.s.slice(this.at + 9, end);
        this.at = end + 3;
        continue;
      }
      if (this.s.startsWith("<!--", this.at)) {
        this.comment();
        continue;
      }
      if (this.s.startsWith("<!", this.at)) throw this.error("DOCTYPE and other declarations are not allowed");
      if (this.s.startsWith("<?", this.at)) throw this.error("processing instructions are not allowed");
      const child = this.element(depth + 1);
      children ??= {};
      const existing = children[child.name];
      if (existing === undefined) children[child.name] = child.value;
      else if (Array.isArray(existing)) existing.push(child.value);
      else children[child.name] = [existing, child.value];
    }
    if (children) {
      if (text.trim() !== "") throw this.error(`<${name}> mixes text and elements`);
      return { name, value: children };
    }
    return { name, value: text };
  }

  private name(): string {
    NAME.lastIndex = this.at;
    const match = NAME.exec(this.s);
    if (!match) throw this.error("expected an element name");
    this.at = NAME.lastIndex;
    return match[0];
  }

  /** Character data: only XML's predefined entities and numeric references; nothing is ever expanded from a DTD. */
  private decodeText(raw: string): string {
    if (raw.includes("]]>")) throw this.error("']]>' in text");
    if (!raw.includes("&")) return raw;
    return raw.replace(/&([^;&<\s]{0,10});?/g, (whole, ref: string) => {
      if (!whole.endsWith(";")) throw this.error("bare '&' in text");
      if (ref in PREDEFINED) return PREDEFINED[ref]!;
      const code = /^#x([0-9a-fA-F]{1,6})$/.exec(ref)?.[1] ?? /^#(\d{1,7})$/.exec(ref)?.[1];
      if (code !== undefined) {
        const point = ref[1] === "x" ? parseInt(code, 16) : parseInt(code, 10);
        if (point === 0 || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff))
          throw this.error(`invalid character reference &${ref};`);
        return String.fromCodePoint(point);
      }
      throw this.error(`undefined entity &${ref};`);
    });
  }

  private comment(): void {
    const end = this.s.indexOf("-->", this.at + 4);
    if (end < 0) throw this.error("unterminated comment");
    this.at = end + 3;
  }

  private skipWhitespace(): void {
    while (this.at < this.s.length && " \t\r\n".includes(this.s[this.at]!)) this.at++;
  }

  /** Whitespace and comments around the root; a DOCTYPE there is refused. */
  private skipMisc(): void {
    for (;;) {
      this.skipWhitespace();
      if (this.s.startsWith("<!--", this.at)) this.comment();
      else if (this.s.startsWith("<!", this.at)) throw this.error("DOCTYPE and other declarations are not allowed");
      else if (this.s.startsWith("<?", this.at)) throw this.error("processing instructions are not allowed");
      else return;
    }
  }

  private error(message: string): XmlError {
    return new XmlError(`${message} (at offset ${this.at})`);
  }
}

/** The text of a child element, or undefined when it is absent or not text. */
export function textOf(element: XmlElement, name: string): string | undefined {
  const value = element[name];
  return typeof value === "string" ? value : undefined;
}

// Characters XML 1.0 cannot carry at all; dropped from what we write (rare, so tested first).
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NOT_XML_CHARS = new RegExp(NOT_XML_CHAR.source, "gu");

function cdata(text: string): string {
  const clean = NOT_XML_CHAR.test(text) ? text.replace(NOT_XML_CHARS, "") : text;
  return `<![CDATA[${clean.includes("]]>") ? clean.replaceAll("]]>", "]]]]><![CDATA[>") : clean}]]>`;
}

export type XmlOut = string | number | XmlOut[] | { [name: string]: XmlOut };

/** Writes `<xml>…</xml>`: strings as CDATA, numbers bare, arrays as repeated <item>s, objects as nested elements. */
export function buildWechatXml(fields: Record<string, XmlOut>): string {
  return `<xml>${children(fields)}</xml>`;
}

function children(fields: Record<string, XmlOut>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<${name}>${content(value)}</${name}>`)
    .join("");
}

function content(value: XmlOut): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return cdata(value);
  if (Array.isArray(value)) return value.map((item) => `<item>${content(item)}</item>`).join("");
  return children(value);
}
