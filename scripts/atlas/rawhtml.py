"""The generated HTML (figures, tables) handed to Python-Markdown as the raw HTML it is, without being parsed.

Python-Markdown finds where a raw HTML block ends by running an HTML parser written in Python over it: on the
table pages that was a third of MkDocs' time in a build and in the preview. The HTML the build writes needs no
such search, since it knows where it starts and ends: it is marked (`mark`), and a preprocessor placed before
Markdown's own stores each marked block as Markdown stores raw HTML (its stash), so the page is the same.

CSV text never reaches a mark: it is escaped before it is written, so `<!--` from a cell arrives as `&lt;!--`.
"""
from __future__ import annotations

import re

from markdown import Extension
from markdown.preprocessors import Preprocessor

START, END = "<!--atlas:raw-->", "<!--/atlas:raw-->"
_MARK = re.compile(f"({re.escape(START)}|{re.escape(END)})")


def mark(html: str) -> str:
    """`html` marked as one raw block; a marked block inside another becomes part of the outer one."""
    return f"{START}{html}{END}"


class _Stash(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
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
                    out.append("\n\n" + self.md.htmlStash.store(html + "\n") + "\n\n" if at_line_start else html)
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
    def extendMarkdown(self, md) -> None:
        # After whitespace is normalised (30), before Markdown looks for raw HTML blocks (20).
        md.preprocessors.register(_Stash(md), "atlas_raw_html", 25)
