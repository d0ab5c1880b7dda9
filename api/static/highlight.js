// Turning the server's highlight string into text segments without ever parsing it as HTML.
// `highlight` is HTML-escaped text in which only <mark>…</mark> is markup; anything else that
// looks like a tag stays literal text.

const ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'" };

export function unescapeHtml(text) {
  return text.replace(/&(?:amp|lt|gt|quot|#x27|#39);/g, (m) => ENTITIES[m]);
}

/** "a <mark>b</mark> c" -> [{text: "a ", mark: false}, {text: "b", mark: true}, {text: " c", mark: false}] */
export function parseHighlight(html) {
  const out = [];
  const re = /<mark>([\s\S]*?)<\/mark>/g;
  let last = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m.index > last) out.push({ text: unescapeHtml(html.slice(last, m.index)), mark: false });
    if (m[1]) out.push({ text: unescapeHtml(m[1]), mark: true });
    last = re.lastIndex;
  }
  if (last < html.length) out.push({ text: unescapeHtml(html.slice(last)), mark: false });
  return out;
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Split text around the given number surfaces (longest first) so numbers can be styled. */
export function splitNumbers(text, surfaces) {
  const unique = [...new Set(surfaces)].filter((s) => s.trim()).sort((a, b) => b.length - a.length);
  if (!unique.length || !text) return [{ text, number: false }];
  // not inside a longer run of digits: "20" must not light up inside "2000"
  const re = new RegExp(`(?<![\\d٠-٩])(?:${unique.map(escapeRe).join("|")})(?![\\d٠-٩])`, "g");
  const out = [];
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === "") {
      re.lastIndex += 1;
      continue;
    }
    if (m.index > last) out.push({ text: text.slice(last, m.index), number: false });
    out.push({ text: m[0], number: true });
    last = re.lastIndex;
  }
  if (last < text.length) out.push({ text: text.slice(last), number: false });
  return out;
}
