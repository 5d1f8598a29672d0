"""Small SQL pieces the compiler and its profile part share: the statement shape, operators, LIKE escaping.

Values only as parameters; these only spell operators and escape a LIKE pattern's value (itself a parameter).
"""

SQL = tuple[str, list]  # (text with %s placeholders, its parameters in text order)

SQL_COMPARE = {"==": "=", "!=": "<>", ">": ">", ">=": ">=", "<": "<", "<=": "<="}
LIKE_PATTERN = {"CONTAINS": "%{}%", "STARTSWITH": "{}%", "ENDSWITH": "%{}"}


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
