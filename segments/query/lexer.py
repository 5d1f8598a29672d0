"""Tokenizer of the segment query language: turns text into positioned tokens for the parser."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal

from .errors import QuerySyntaxError

KEYWORDS = frozenset({
    "INTERACTION", "FILTER", "HAVING", "SEGMENT", "UNION", "INTERSECT", "EXCEPT",
    "COUNT", "SUM", "AVG", "MIN", "MAX", "UTCDAYS", "UTCMONTHS", "UTCYEARS",
    "NOT", "AND", "OR", "CONTAINS", "STARTSWITH", "ENDSWITH", "ISNULL", "ISNOTNULL", "TRUE", "FALSE",
    "PROFILE", "TRAVERSE", "DATETIMEUTCNOW", "DATE", "DATEADD", "DATEDIFF",
})

# Longer operators first so that '>=' is not read as '>' '='.
_OPERATORS = ("==", "!=", ">=", "<=", "&&", "||", ">", "<", "(", ")", ",", ".")
_LONE = {
    "=": "use '==' to compare",
    "!": "use '!=' to compare or NOT(...) to negate",
    "&": "use '&&' to join conditions",
    "|": "use '||' to join alternatives",
}
# What Word, Outlook and Teams make of 'Oslo' and "Oslo": curly quotes read as the straight single quote, so a
# pasted query works and prints back with straight quotes. Inside a straight-quoted string they are characters.
_CURLY_QUOTES = {"\u2018": "\u2019", "\u201c": "\u201d"}
_BOM = "\ufeff"
# Caps the digits of a number: int() refuses very long digit strings, and no count or score needs them.
_MAX_NUMBER_LENGTH = 40
# Numbers are read exactly: the default context's 28 digits would round what the user wrote.
EXACT = Context(prec=_MAX_NUMBER_LENGTH)


@dataclass(frozen=True)
class Token:
    kind: str  # 'IDENT' | 'STRING' | 'NUMBER' | 'OP' | 'EOF'
    text: str  # the source text (for STRING: the decoded value)
    line: int
    col: int
    value: int | Decimal | None = None  # for NUMBER

    @property
    def pos(self) -> tuple[int, int]:
        return (self.line, self.col)

    def is_kw(self, *words: str) -> bool:
        return self.kind == "IDENT" and self.text.upper() in words

    def is_op(self, *ops: str) -> bool:
        return self.kind == "OP" and self.text in ops

    def describe(self) -> str:
        if self.kind == "EOF":
            return "the end of the query"
        if self.kind == "STRING":
            return "a string"
        return f"'{self.text}'"


def _is_ident_start(ch: str) -> bool:
    return ch == "_" or ("a" <= ch <= "z") or ("A" <= ch <= "Z")


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    # A leading byte-order mark is an artefact of the file or clipboard, not part of the query.
    i, line, col, n = (1 if text.startswith(_BOM) else 0), 1, 1, len(text)

    def error(message: str, at_line: int, at_col: int) -> QuerySyntaxError:
        return QuerySyntaxError(message, at_line, at_col)

    while i < n:
        ch = text[i]
        if ch == "\n":
            i, line, col = i + 1, line + 1, 1
            continue
        if ch.isspace():
            i, col = i + 1, col + 1
            continue
        start_line, start_col = line, col
        if ch == "'":
            chars: list[str] = []
            j = i + 1
            cur_line, cur_col = line, col + 1
            while True:
                if j >= n:
                    raise error("unterminated string: no closing quote for the string that starts here", line, col)
                c = text[j]
                if c == "'":
                    if j + 1 < n and text[j + 1] == "'":
                        chars.append("'")
                        j, cur_col = j + 2, cur_col + 2
                        continue
                    break
                chars.append(c)
                if c == "\n":
                    cur_line, cur_col = cur_line + 1, 1
                else:
                    cur_col += 1
                j += 1
            tokens.append(Token("STRING", "".join(chars), start_line, start_col))
            i, line, col = j + 1, cur_line, cur_col + 1
            continue
        if ch in _CURLY_QUOTES:
            close = _CURLY_QUOTES[ch]
            j = text.find(close, i + 1)
            # A closing quote followed by a letter is an apostrophe (‘O’Brien’); a line break ends the search.
            while j != -1 and j + 1 < n and text[j + 1].isalpha():
                j = text.find(close, j + 1)
            value = text[i + 1:j] if j != -1 else ""
            if j == -1 or "\n" in value:
                raise error(f"unterminated string: no closing {close} for the {ch} that starts here; "
                            "strings are written in single quotes: 'like this'", line, col)
            tokens.append(Token("STRING", value, line, col))
            col += j + 1 - i
            i = j + 1
            continue
        if ch in _CURLY_QUOTES.values():
            raise error(f"unexpected {ch}; strings are written in single quotes: 'like this'", line, col)
        if ch == '"':
            raise error("strings are written in single quotes: 'like this'", line, col)
        if _is_digit(ch) or (ch == "-" and i + 1 < n and _is_digit(text[i + 1])):
            j = i + 1
            while j < n and _is_digit(text[j]):
                j += 1
            if j + 1 < n and text[j] == "." and _is_digit(text[j + 1]):
                j += 1
                while j < n and _is_digit(text[j]):
                    j += 1
            raw = text[i:j]
            if len(raw) > _MAX_NUMBER_LENGTH:
                raise error(f"number too long (more than {_MAX_NUMBER_LENGTH} characters)", line, col)
            tokens.append(Token("NUMBER", raw, line, col, _number(raw)))
            col += j - i
            i = j
            continue
        if _is_ident_start(ch):
            j = i + 1
            while j < n and (_is_ident_start(text[j]) or _is_digit(text[j])):
                j += 1
            tokens.append(Token("IDENT", text[i:j], line, col))
            col += j - i
            i = j
            continue
        op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
        if op is not None:
            tokens.append(Token("OP", op, line, col))
            i, col = i + len(op), col + len(op)
            continue
        if ch == "=" and _names_a_query(text, i):
            raise error("unexpected '='; paste the query, not its name: leave out "
                        f"'{text[text.rfind(chr(10), 0, i) + 1:i + 1].strip()}'", line, col)
        if ch in _LONE:
            raise error(f"unexpected '{ch}'; {_LONE[ch]}", line, col)
        raise error(f"unexpected character {ch!r}", line, col)
    tokens.append(Token("EOF", "", line, col))
    return tokens


def _names_a_query(text: str, at: int) -> bool:
    """Whether the '=' at `at` ends a line start like `Clickers =`: a definition pasted from the docs."""
    before = text[text.rfind("\n", 0, at) + 1:at].strip()
    return bool(before) and _is_ident_start(before[0]) and all(
        _is_ident_start(c) or _is_digit(c) for c in before) and before.upper() not in KEYWORDS


def _number(raw: str) -> int | Decimal:
    """Whole numbers become int even when written 1.0, so that equal numbers have one canonical form."""
    if "." not in raw:
        return int(raw)
    value = Decimal(raw)
    if value == value.to_integral_value():
        return int(value)
    return value.normalize(EXACT)
