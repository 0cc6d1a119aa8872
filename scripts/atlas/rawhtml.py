"""The generated HTML (figures, tables) handed to Python-Markdown as the raw HTML it is, without being parsed.

Python-Markdown finds where a raw HTML block ends by running an HTML parser written in Python over it: on the
table pages that was a third of MkDocs' time in a build and in the preview. The HTML the build writes needs no
such search, since it knows where it starts and ends: it is marked (`mark`), and a preprocessor placed before
Markdown's own stores each marked block as Markdown stores raw HTML (its stash), so the page is the same.

A marked block whose first tag carries `data-search-exclude` (a table of data rows) is kept out of the page until
MkDocs has rendered it (`RawHtml.restore`, in the hook's on_post_page): Material's search plugin would otherwise
parse every one of its rows to learn that it must leave them out of the index. The index is the same either way.

The `<h2 id=…>` headings of the marked blocks are listed (`RawHtml.headings`, each page's own), since Markdown's
toc extension never reads stashed HTML: the hook puts them in the table of contents of a page that has no other.

CSV text never reaches a mark: it is escaped before it is written, so `<!--` from a cell arrives as `&lt;!--`.
"""
from __future__ import annotations

import hashlib
import re

from markdown import Extension
from markdown.preprocessors import Preprocessor

START, END = "<!--atlas:raw-->", "<!--/atlas:raw-->"
_MARK = re.compile(f"({re.escape(START)}|{re.escape(END)})")
_DEFERRED = re.compile(r"<!--atlas:deferred:([0-9a-f]{24})-->")
_HEADING = re.compile(r'<h2\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h2>', re.S)


def mark(html: str) -> str:
    """`html` marked as one raw block; a marked block inside another becomes part of the outer one."""
    return f"{START}{html}{END}"


class _Stash(Preprocessor):
    def __init__(self, md, deferred: dict[str, str], headings: list[tuple[str, str]]):
        super().__init__(md)
        self.deferred = deferred
        self.headings = headings

    def _store(self, html: str) -> str:
        self.headings.extend(_HEADING.findall(html))
        if "data-search-exclude" in html[:html.find(">") + 1]:
            key = hashlib.sha256(html.encode()).hexdigest()[:24]
            self.deferred[key] = html
            html = f"<!--atlas:deferred:{key}-->"
        return self.md.htmlStash.store(html + "\n")

    def run(self, lines: list[str]) -> list[str]:
        self.headings.clear()  # one Markdown instance per page: what is listed is this page's
        text = "\n".join(lines)
        if START not in text:
            return lines
        out, depth, block = [], 0, []
        line_start = at_line_start = True  # whether the text so far ends a line, and did where the block began
        for part in _MARK.split(text):
            if part == START:
                if not depth:
                    at_line_start = line_start
                depth += 1
            elif part == END and depth:
                depth -= 1
                if not depth:
                    html = "".join(block)
                    # A block on lines of its own, as Markdown writes the raw HTML it stashes; one that starts inside
                    # a line (or indented, in a list or a note) is left to Markdown, unmarked.
                    out.append("\n\n" + self._store(html) + "\n\n" if at_line_start else html)
                    line_start = at_line_start or html.endswith("\n")
                    block = []
            elif depth:
                block.append(part)
            elif part:
                out.append(part)
                line_start = part.endswith("\n")
        if depth:  # a mark left open (not the build's own writing): its text as it was
            out.append(START + "".join(block))
        return "".join(out).split("\n")


class RawHtml(Extension):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.deferred: dict[str, str] = {}  # key -> the HTML of a block kept out of the page until it is rendered
        self.headings: list[tuple[str, str]] = []  # (id, inner HTML) of the last page's marked <h2 id=…>, in order

    def extendMarkdown(self, md) -> None:
        # After whitespace is normalised (30), before Markdown looks for raw HTML blocks (20).
        md.preprocessors.register(_Stash(md, self.deferred, self.headings), "atlas_raw_html", 25)

    def restore(self, html: str) -> str:
        """A rendered page with its deferred blocks put back."""
        return _DEFERRED.sub(lambda m: self.deferred[m.group(1)], html) if "<!--atlas:deferred:" in html else html
