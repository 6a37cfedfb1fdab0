// The report as one HTML page, made from its Markdown (marked): a style
// sheet inline, images as files beside it (relative paths), no script and
// nothing fetched, so it opens from disk and works offline. Charts rendered
// at twice their size are shown at their natural size for sharp text.

import { Marked } from "marked";

export interface HtmlOptions {
  title: string;
  /** Display width (CSS px) of images whose files are larger, by relative path. */
  displayWidths?: ReadonlyMap<string, number>;
}

const STYLE = `
  body { font: 15px/1.5 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #222; margin: 0 auto; padding: 1.5em 2em 4em; max-width: 1500px; }
  h1 { font-size: 1.7em; border-bottom: 2px solid #ddd; padding-bottom: .3em; }
  h2 { font-size: 1.35em; margin-top: 2em; border-bottom: 1px solid #e5e5e5; padding-bottom: .2em; }
  h3 { font-size: 1.1em; margin-top: 1.5em; }
  table { border-collapse: collapse; margin: .5em 0 1em; font-size: .92em; }
  th, td { border: 1px solid #d6d6d6; padding: .3em .7em; text-align: left; }
  td:not(:first-child) { font-variant-numeric: tabular-nums; }
  th { background: #f3f3f3; }
  td strong { background: #fff2b3; font-weight: 600; padding: 0 .2em; }
  img { max-width: 100%; height: auto; vertical-align: top; margin: .3em .3em .3em 0; }
  img.logged { image-rendering: pixelated; border: 1px solid #ccc; min-width: 120px; }
  code { background: #f3f3f3; padding: 0 .25em; border-radius: 3px; }
  li { margin: .25em 0; }
`;

const escapeAttribute = (text: string) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/** Converts the report's Markdown to a self-contained page. */
export function reportHtml(markdown: string, options: HtmlOptions): string {
  const marked = new Marked({
    gfm: true,
    renderer: {
      image({ href, text }) {
        const path = decodeURI(href);
        const width = options.displayWidths?.get(path);
        const logged = path.includes("/logged/") ? ' class="logged"' : "";
        return `<img src="${escapeAttribute(href)}" alt="${escapeAttribute(text)}"${logged}${width ? ` width="${width}"` : ""} loading="eager">`;
      },
    },
  });
  const body = marked.parse(markdown, { async: false }) as string;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeAttribute(options.title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
