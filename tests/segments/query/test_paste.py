"""Paste hygiene: what Word, Outlook and Teams put into a copied query reads as the query that was meant."""

import pytest

from segments.query import QuerySyntaxError, parse, unparse

C = "INTERACTION(EmailClicked, EmailClicked_ContactLink)"
H = ".HAVING(COUNT() >= 1)"
CANONICAL = C + ".FILTER(City == 'Oslo')" + H

# (pasted text, the canonical text it reads as)
READS_AS = [
    ("\ufeff" + CANONICAL, CANONICAL),  # a UTF-8 byte-order mark at the start
    (C + ".FILTER(City\u00a0==\u00a0'Oslo')" + H, CANONICAL),  # no-break space (Outlook, Word)
    (C + ".FILTER(City\u202f==\u2007'Oslo')" + H, CANONICAL),  # narrow no-break and figure space
    ("\ufeff" + C + "\u00a0.FILTER(City == 'Oslo')" + H, CANONICAL),
    (C + ".FILTER(City == \u2018Oslo\u2019)" + H, CANONICAL),  # ‘Oslo’
    (C + ".FILTER(City == \u201cOslo\u201d)" + H, CANONICAL),  # “Oslo”
    (C + ".FILTER(City == \u2018O\u2019Brien\u2019)" + H, C + ".FILTER(City == 'O’Brien')" + H),
    (C + ".FILTER(City == 'It''s')" + H, C + ".FILTER(City == 'It''s')" + H),
    # Inside a straight-quoted string curly quotes and no-break spaces are the value's own characters.
    (C + ".FILTER(City == '\u2018Oslo\u2019')" + H, C + ".FILTER(City == '\u2018Oslo\u2019')" + H),
    (C + ".FILTER(City == 'St\u00a0Ives')" + H, C + ".FILTER(City == 'St\u00a0Ives')" + H),
    (C + ".FILTER(City == \u201cSay \u2018hi\u2019\u201d)" + H, C + ".FILTER(City == 'Say ‘hi’')" + H),
]


@pytest.mark.parametrize("pasted, canonical", READS_AS)
def test_pasted_text_reads_as_the_canonical_query(pasted, canonical):
    assert unparse(parse(pasted)) == canonical


# (pasted text, line, column, message): a curly quote that cannot be a string's quote gets a positioned hint.
HINTS = [
    (C + ".FILTER(City == \u2018Oslo)" + H, 1, 68,
     "unterminated string: no closing ’ for the ‘ that starts here; strings are written in single quotes: 'like this'"),
    (C + ".FILTER(City == \u2018Os\nlo\u2019)" + H, 1, 68,
     "unterminated string: no closing ’ for the ‘ that starts here; strings are written in single quotes: 'like this'"),
    (C + ".FILTER(City == Oslo\u2019)" + H, 1, 72, "unexpected ’; strings are written in single quotes: 'like this'"),
    (C + ".FILTER(City == \u201dOslo\u201d)" + H, 1, 68,
     "unexpected ”; strings are written in single quotes: 'like this'"),
    ("\ufeff\ufeff" + CANONICAL, 1, 1, "unexpected character '\\ufeff'"),  # only the leading mark is an artefact
]


@pytest.mark.parametrize("pasted, line, column, message", HINTS)
def test_stray_curly_quotes_get_a_positioned_hint(pasted, line, column, message):
    with pytest.raises(QuerySyntaxError) as caught:
        parse(pasted)
    assert (caught.value.line, caught.value.column, caught.value.message) == (line, column, message)
