// The little XML GeoReport v2 needs: a root element holding a list of flat records,
// in a fixed field order, UTF-8, schemaless (as the spec asks).
export type XmlValue = string | number | boolean | null | undefined;

function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!,
  );
}

/** <root><item><field>value</field>…</item>…</root>; a null field is an empty element. */
export function xmlList(root: string, item: string, records: Record<string, XmlValue>[]): string {
  const body = records
    .map((record) => {
      const fields = Object.entries(record)
        .map(([name, value]) =>
          value === null || value === undefined || value === ""
            ? `<${name}/>`
            : `<${name}>${escapeXml(String(value))}</${name}>`,
        )
        .join("");
      return `<${item}>${fields}</${item}>`;
    })
    .join("");
  return `<?xml version="1.0" encoding="utf-8"?>\n<${root}>${body}</${root}>`;
}
