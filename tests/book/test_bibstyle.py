"""vira.book.bibstyle: the bibliography's labels are the author-year names the text cites."""

from pybtex.database import parse_string

from vira.book.bibstyle import AuthorYearStyle

BIB = r"""
@article{one, author = {Kipf, Thomas}, title = {A}, journal = {J}, year = {2017}}
@article{two, author = {Bielski, Adam and Trzci{\'n}ski, Tomasz}, title = {B}, journal = {J}, year = {2018}}
@article{many1, author = {Wang, Jiahao and Wang, Yunhong and Weng, Nina}, title = {C}, journal = {J}, year = {2021}}
@article{many2, author = {Wang, Jiahao and Li, Annan and Yu, Sansi}, title = {D}, journal = {J}, year = {2021}}
"""


def test_labels_are_author_year_with_letters_for_twins():
    entries = AuthorYearStyle().format_bibliography(parse_string(BIB, "bibtex"))
    assert [(e.key, e.label) for e in entries] == [
        ("two", "Bielski and Trzciński 2018"), ("one", "Kipf 2017"),
        ("many2", "Wang et al. 2021a"), ("many1", "Wang et al. 2021b")]
