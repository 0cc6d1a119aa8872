"""The build's own HTML reaches Python-Markdown marked (rawhtml.py) and comes out as Markdown would have made it
from the same HTML unmarked, without being parsed for where it ends."""
from __future__ import annotations

import markdown

from atlas.rawhtml import END, START, RawHtml, mark

TABLE = '<div class="atlas-table-wrap" data-search-exclude><table>\n<tbody>\n<tr><td>*1*</td></tr>\n</tbody></table></div>'


def md(text: str, *extensions) -> str:
    return markdown.markdown(text, extensions=["md_in_html", *extensions])


def test_a_marked_block_is_the_html_markdown_makes_of_it():
    text = f"# Title\n\nBefore.\n\n{{}}\n\nAfter *this*.\n"
    assert md(text.format(mark(TABLE)), RawHtml()) == md(text.format(TABLE))
    assert md(text.format(mark(TABLE)), RawHtml()) == f"<h1>Title</h1>\n<p>Before.</p>\n{TABLE}\n\n<p>After <em>this</em>.</p>"


def test_a_block_marked_inside_another_is_part_of_it():
    assert md(mark(f"<section>\n{mark(TABLE)}\n</section>"), RawHtml()) == f"<section>\n{TABLE}\n</section>"


def test_a_block_inside_markdown_html_is_left_as_written():
    """In a `<details markdown>` Markdown would have parsed the table and written it out again, less its
    `data-search-exclude`; marked, it is the table as the build wrote it."""
    assert md(f"<details markdown>\n<summary>S</summary>\n\n{mark(TABLE)}\n\n</details>", RawHtml()) == (
        f"<details>\n<summary>S</summary>\n{TABLE}\n\n</details>")


def test_a_mark_inside_a_line_or_left_open_changes_nothing():
    assert md(f"Text {mark('<b>bold</b>')} *end*", RawHtml()) == "<p>Text <b>bold</b> <em>end</em></p>"
    assert md(f"{START}<b>open</b> *end*", RawHtml()) == md(f"{START}<b>open</b> *end*")
    assert md(f"{END} *end*", RawHtml()) == md(f"{END} *end*")
