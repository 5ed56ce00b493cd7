"""The bibliography's labels in the form the text cites them: author and year.

The chapters cite author-year (``bibtex_reference_style: author_year``: "Wang et al. 2021"), but
pybtex's ``plain`` style labels the bibliography's entries [1], [2], ..., so a reader could not
find a cited work by the name the text gives it. This Sphinx extension registers the pybtex style
``vira_author_year``: ``plain``'s formatting, its entries sorted by author, year and title, and
each labelled as the text cites it (one author: "Kipf 2017"; two: "Bielski and Trzciński 2018";
more: "Wang et al. 2021"; a letter appended where two labels would be the same). ``_config.yml``
names it as ``bibtex_default_style``. Used by the book build.
"""

from __future__ import annotations

from collections import Counter

from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle


def author_year(entry) -> str:
    """"Last 2021", "Last and Other 2021" or "Last et al. 2021" for a pybtex entry (authors, or
    editors where it has none)."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    last = [person.rich_last_names and " ".join(str(n.render_as("text")) for n in person.rich_last_names)
            for person in people]
    names = (last[0] if len(last) == 1 else f"{last[0]} and {last[1]}" if len(last) == 2
             else f"{last[0]} et al." if last else entry.fields.get("title", entry.key))
    return f"{names} {entry.fields.get('year', 'n.d.')}"


class AuthorYearLabels(BaseLabelStyle):
    """Labels as the text cites the entries; repeated labels get a, b, ... in sorted order."""

    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        labels = [author_year(e) for e in entries]
        repeated, seen = Counter(labels), Counter()
        for label in labels:
            if repeated[label] > 1:
                seen[label] += 1
                yield label + "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
            else:
                yield label


class AuthorYearStyle(PlainStyle):
    """pybtex's plain formatting with author-year labels, sorted by author, year and title."""

    default_label_style = AuthorYearLabels
    default_sorting_style = "author_year_title"


def setup(app):
    register_plugin("pybtex.style.formatting", "vira_author_year", AuthorYearStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
