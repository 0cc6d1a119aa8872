"""The build's own HTML reaches Python-Markdown marked (rawhtml.py) and comes out as Markdown would have made it
from the same HTML unmarked, without being parsed for where it ends."""
from __future__ import annotations

import markdown

from atlas.rawhtml import END, START, RawHtml, mark

TABLE = '<div class="atlas-table-wrap" data-search-exclude><table>\n<tbody>\n<tr><td>*1*</td></tr>\n</tbody></table></div>'


def md(text: str, *extensions) -> str:
    """The page as MkDocs writes it: Markdown's HTML, then (on_post_page) the deferred blocks put back."""
    html = markdown.markdown(text, extensions=["md_in_html", *extensions])
    return next((e.restore(html) for e in extensions if isinstance(e, RawHtml)), html)


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


def test_a_table_kept_out_of_search_is_out_of_the_page_until_it_is_rendered():
    """What Material's search plugin reads (the page's HTML before on_post_page) holds a comment for the table,
    not its rows; the page written holds the table; a block without data-search-exclude is never deferred."""
    ext = RawHtml()
    figure = '<figure class="atlas-chart">\n<p>*x*</p>\n</figure>'
    read = markdown.markdown(f"{mark(TABLE)}\n\n{mark(figure)}\n", extensions=["md_in_html", ext])
    assert "<tr>" not in read and read.startswith("<!--atlas:deferred:") and figure in read
    assert ext.restore(read) == f"{TABLE}\n\n{figure}"


def test_the_marked_h2_headings_with_an_id_are_listed_for_each_page_alone():
    raw = RawHtml()
    first = mark('<section>\n<h2 class="c" id="one">A &amp; <b>B</b></h2>\n<h3 id="sub">no</h3>\n<h2>no id</h2>\n'
                 '<h2 id="two">\nC</h2>\n</section>')
    md(f"# Page\n\n## Markdown's own\n\n{first}\n", raw)
    assert raw.headings == [("one", "A &amp; <b>B</b>"), ("two", "\nC")]
    md("# Next page\n\nNo marked block.\n", raw)
    assert raw.headings == []
