"""Parser of the segment query language: text -> canonical AST (see nodes.py).

Hand-written recursive descent over the tokens of lexer.py rather than a parser generator: every error
can name the offending token's line:column, what would be valid there and where an unclosed parenthesis
was opened, which generated parsers report poorly.

Canonical normalisation happens here so that equal queries give equal ASTs: type and field names in
catalog spelling (unknown names are kept as written; the validator reports them with a suggestion), GUID
values in lower case, `COUNT() > k` as `COUNT() >= k+1`, the link name dropped, and a parenthesised
`||` group of `==` on one field read as one multi-value clause.
"""

from __future__ import annotations

import difflib

from interactions.catalog import (
    INTERACTION_TYPES,
    PARENT_CUSTOMER,
    FieldKind,
    InteractionType,
    entity,
    interaction_type,
    parse_guid,
)

from .errors import QuerySyntaxError
from .lexer import Token, tokenize
from .nodes import (
    AGGREGATES,
    COMPARES,
    DATE_PARTS,
    MAX_GROUP_DEPTH,
    MAX_INTEGER,
    MAX_QUERY_LENGTH,
    NULL_TESTS,
    SET_OPS,
    STRING_TESTS,
    AttributeRef,
    Behavioral,
    Clause,
    Condition,
    DateAdd,
    DateDiff,
    DateValue,
    Group,
    Having,
    Now,
    Profile,
    ProfileFilter,
    Query,
    SegmentRef,
    SetOp,
    Traverse,
    Value,
    Window,
)

# Bounds parenthesis nesting and set-expression height, so that parsing, printing, validating and
# compiling (all recursive) stay far from Python's recursion limit.
MAX_DEPTH = 100
_WINDOWS = {"UTCDAYS": "DAYS", "UTCMONTHS": "MONTHS", "UTCYEARS": "YEARS"}
# Link spellings Dynamics accepted, longest suffix first.
_LINK_SUFFIXES = ("_contactlink", "contactlink", "_contact")
# Steps of a Dynamics profile query that a segment has no use for, and why.
_UNSUPPORTED_STEPS = {
    "ORDERBY": "a segment's members have no order",
    "SKIP": "a segment holds all the contacts that match",
    "TAKE": "a segment holds all the contacts that match",
    "SELECT": "a segment's members are whole contacts",
    "RELATEOPTIONAL": "profile queries traverse only contact_account_parentcustomerid",
    "RELATE": "profile queries traverse only contact_account_parentcustomerid",
}
_PROFILE_STEPS = "a profile query continues with .FILTER(...) or .TRAVERSE(contact_account_parentcustomerid)"
_OPERANDS = "INTERACTION(...), PROFILE(...), SEGMENT(...)"


def parse(text: str) -> Query:
    """Parse query text; raises QuerySyntaxError (and nothing else) for any bad input."""
    if len(text) > MAX_QUERY_LENGTH:
        line = text.count("\n", 0, MAX_QUERY_LENGTH) + 1
        column = MAX_QUERY_LENGTH - text.rfind("\n", 0, MAX_QUERY_LENGTH)
        raise QuerySyntaxError(f"the query is {len(text):,} characters long; at most {MAX_QUERY_LENGTH:,} are read",
                               line, column)
    return _Parser(text).parse()


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0
        self.itype: InteractionType | None = None  # the type of the behavioral block being parsed
        self.entity: str | None = None  # the entity a profile FILTER being parsed applies to
        self.filter_depth = 0  # the nesting depth of the FILTER being parsed

    # -- token helpers -------------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def next(self) -> Token:
        tok = self.peek()
        self.i += 1
        return tok

    @staticmethod
    def error(message: str, tok: Token) -> QuerySyntaxError:
        return QuerySyntaxError(message, tok.line, tok.col)

    def expect_op(self, op: str, context: str) -> Token:
        tok = self.peek()
        if not tok.is_op(op):
            raise self.error(f"expected '{op}' {context}, found {tok.describe()}", tok)
        return self.next()

    def expect_close(self, opened: Token, what: str) -> None:
        self.expect_op(")", f"to close the {what} opened at {opened.line}:{opened.col}")

    def expect_ident(self, what: str) -> Token:
        tok = self.peek()
        if tok.kind != "IDENT":
            raise self.error(f"expected {what}, found {tok.describe()}", tok)
        return self.next()

    def deeper(self, depth: int, tok: Token) -> int:
        if depth >= MAX_DEPTH:
            raise self.error(f"the query nests too deeply (more than {MAX_DEPTH} levels)", tok)
        return depth + 1

    def deeper_group(self, depth: int, tok: Token) -> int:
        if depth - self.filter_depth >= MAX_GROUP_DEPTH:
            raise self.error(f"the groups nest too deeply (more than {MAX_GROUP_DEPTH} levels)", tok)
        return self.deeper(depth, tok)

    # -- set expressions -----------------------------------------------------------------------------

    def parse(self) -> Query:
        if self.peek().kind == "EOF":
            raise self.error("empty query: expected INTERACTION(...), PROFILE(...) or SEGMENT(...)", self.peek())
        node, _ = self.set_expr(0)
        tok = self.peek()
        if tok.is_op(".") and self.peek(1).kind == "IDENT":  # Dynamics' method-style steps after a whole query
            step = self.peek(1)
            word = step.text.upper()
            if word in _UNSUPPORTED_STEPS:
                raise self.error(f".{word}(...) is not supported: {_UNSUPPORTED_STEPS[word]}", step)
            if word in ("UNION", "INTERSECT", "EXCEPT"):
                raise self.error(f".{word}(...) is not how sets combine here: write {word} between two operands, "
                                 f"as in SEGMENT(a) {word} SEGMENT(b)", step)
        if tok.kind != "EOF":
            raise self.error(
                f"unexpected {tok.describe()} after the end of the query; "
                "join queries with UNION, INTERSECT or EXCEPT", tok)
        return node

    def set_expr(self, depth: int) -> tuple[Query, int]:
        """Returns the node and its height (bounded like nesting, since set operators chain to the left)."""
        left, height = self.operand(depth)
        while self.peek().is_kw(*SET_OPS):
            op_tok = self.next()
            right, right_height = self.operand(depth)
            height = max(height, right_height) + 1
            if height > MAX_DEPTH:
                raise self.error(f"too many set operators (more than {MAX_DEPTH} levels)", op_tok)
            left = SetOp(op_tok.text.upper(), left, right, pos=left.pos, op_pos=op_tok.pos)
        return left, height

    def operand(self, depth: int) -> tuple[Query, int]:
        tok = self.peek()
        if tok.is_op("("):
            inner_depth = self.deeper(depth, tok)
            self.next()
            node, height = self.set_expr(inner_depth)
            self.expect_close(tok, "parenthesis")
            return node, height
        if tok.is_kw("INTERACTION"):
            return self.behavioral(depth), 1
        if tok.is_kw("SEGMENT"):
            return self.segment_ref(), 1
        if tok.is_kw("PROFILE"):
            return self.profile(depth), 1
        raise self.error(f"expected {_OPERANDS} or '(', found {tok.describe()}", tok)

    def segment_ref(self) -> SegmentRef:
        kw = self.next()
        opened = self.expect_op("(", "after SEGMENT")
        tok = self.peek()
        if tok.kind not in ("IDENT", "STRING"):
            raise self.error(f"expected a segment name after 'SEGMENT(', found {tok.describe()}", tok)
        if tok.kind == "STRING" and not tok.text.strip():
            raise self.error("the segment name is empty", tok)
        self.next()
        self.expect_close(opened, "SEGMENT(")
        return SegmentRef(tok.text, pos=kw.pos, name_pos=tok.pos)

    # -- profile blocks ------------------------------------------------------------------------------

    def profile(self, depth: int) -> Profile:
        kw = self.next()
        opened = self.expect_op("(", "after PROFILE")
        entity_tok = self.expect_ident("contact or account after 'PROFILE('")
        name = entity_tok.text.lower()
        if entity(name) is None:
            raise self.error(f"PROFILE({entity_tok.text}): {entity_tok.text} records are not supported; "
                             "profile queries select contact or account", entity_tok)
        alias = self.alias(f"PROFILE({name}")
        self.expect_close(opened, "PROFILE(")
        steps: list[ProfileFilter | Traverse] = []
        current = name
        while self.peek().is_op(".") and self.peek(1).kind == "IDENT":
            self.next()
            step = self.next()
            word = step.text.upper()
            if word == "FILTER":
                self.itype, self.entity = None, current
                try:
                    steps.append(ProfileFilter(self.filter(depth), pos=step.pos))
                finally:
                    self.entity = None
            elif word == "TRAVERSE":
                steps.append(self.traverse(step))
                current = "account" if current == "contact" else "contact"
            elif word in _UNSUPPORTED_STEPS:
                raise self.error(f".{word}(...) is not supported: {_UNSUPPORTED_STEPS[word]}; {_PROFILE_STEPS}", step)
            elif word == "HAVING":
                raise self.error("HAVING belongs to INTERACTION(...) blocks; " + _PROFILE_STEPS, step)
            else:
                raise self.error(f"expected FILTER or TRAVERSE after '.', found '{step.text}'; {_PROFILE_STEPS}",
                                 step)
        return Profile(name, alias, tuple(steps), pos=kw.pos, entity_pos=entity_tok.pos)

    def alias(self, context: str) -> str | None:
        if not self.peek().is_op(","):
            return None
        self.next()
        return self.expect_ident(f"an alias after '{context}, '").text

    def traverse(self, step: Token) -> Traverse:
        opened = self.expect_op("(", "after TRAVERSE")
        rel = self.expect_ident(f"the relationship {PARENT_CUSTOMER} after 'TRAVERSE('")
        if rel.text.lower() != PARENT_CUSTOMER:
            raise self.error(f"unknown relationship '{rel.text}': profile queries traverse {PARENT_CUSTOMER} "
                             "(an account and its contacts)", rel)
        alias = self.alias(f"TRAVERSE({PARENT_CUSTOMER}")
        self.expect_close(opened, "TRAVERSE(")
        return Traverse(PARENT_CUSTOMER, alias, pos=step.pos, relationship_pos=rel.pos)

    def attribute_name(self, tok: Token) -> str:
        """A profile field as written: `attribute` or `alias.attribute`; the attribute in lower case."""
        if self.peek().is_op(".") and self.peek(1).kind == "IDENT":
            self.next()
            return f"{tok.text}.{self.next().text.lower()}"
        return tok.text.lower()

    def date_diff(self, kw: Token) -> DateDiff:
        self.next()
        opened = self.expect_op("(", "after DATEDIFF")
        part = self.date_part("DATEDIFF")
        self.expect_op(",", "after the date part of DATEDIFF")
        start = self.date_operand()
        self.expect_op(",", "between the two dates of DATEDIFF")
        end = self.date_operand()
        self.expect_close(opened, "DATEDIFF(")
        op_tok = self.peek()
        if not op_tok.is_op(*COMPARES):
            raise self.error(f"expected a comparison (==, !=, >, >=, <, <=) after DATEDIFF(...), "
                             f"found {op_tok.describe()}", op_tok)
        self.next()
        num = self.peek()
        if num.kind != "NUMBER" or not isinstance(num.value, int):
            raise self.error(f"DATEDIFF counts whole {part.lower()}s: compare it with a whole number, "
                             f"found {num.describe()}", num)
        self.next()
        return DateDiff(part, start, end, op_tok.text, num.value, pos=kw.pos, value_pos=num.pos)

    def date_part(self, function: str) -> str:
        tok = self.expect_ident(f"a date part ({', '.join(DATE_PARTS)}) in {function}(...)")
        if tok.text.upper() not in DATE_PARTS:
            raise self.error(f"unknown date part '{tok.text}' in {function}: use {', '.join(DATE_PARTS)}", tok)
        return tok.text.upper()

    def date_operand(self) -> AttributeRef | Value:
        tok = self.peek()
        if tok.kind == "IDENT" and not tok.is_kw("DATETIMEUTCNOW", "DATE", "DATEADD"):
            self.next()
            return AttributeRef(self.attribute_name(tok), pos=tok.pos)
        value = self.value(tok, tok)
        if not isinstance(value, Now | DateValue | DateAdd):
            self.next()
        return value

    def date_function(self, tok: Token) -> Now | DateValue | DateAdd | None:
        """DATETIMEUTCNOW(), DATE(...) or DATEADD(...) starting at `tok` (consumed), or None."""
        if not (tok.is_kw("DATETIMEUTCNOW", "DATE", "DATEADD") and self.peek(1).is_op("(")):
            return None
        if self.entity is None:
            raise self.error(f"{tok.text.upper()}() is a profile function: it applies in PROFILE(...) filters", tok)
        self.next()
        opened = self.next()
        word = tok.text.upper()
        if word == "DATETIMEUTCNOW":
            self.expect_close(opened, "DATETIMEUTCNOW(")
            return Now(pos=tok.pos)
        if word == "DATE":
            parts = [self.whole_number("DATE")]
            while self.peek().is_op(","):
                self.next()
                parts.append(self.whole_number("DATE"))
            self.expect_close(opened, "DATE(")
            return DateValue(tuple(parts), pos=tok.pos)
        part = self.date_part("DATEADD")
        self.expect_op(",", "after the date part of DATEADD")
        n = self.whole_number("DATEADD")
        self.expect_op(",", "before the date DATEADD moves")
        inner = self.peek()
        value = self.date_function(inner)
        if value is None:
            raise self.error("DATEADD moves DATETIMEUTCNOW(), DATE(...) or another DATEADD(...), "
                             f"found {inner.describe()}", inner)
        self.expect_close(opened, "DATEADD(")
        return DateAdd(part, n, value, pos=tok.pos)

    def whole_number(self, function: str) -> int:
        tok = self.peek()
        if tok.kind != "NUMBER" or not isinstance(tok.value, int):
            raise self.error(f"{function} takes whole numbers, found {tok.describe()}", tok)
        self.next()
        return tok.value

    # -- behavioral blocks ---------------------------------------------------------------------------

    def behavioral(self, depth: int) -> Behavioral:
        kw = self.next()
        opened = self.expect_op("(", "after INTERACTION")
        type_tok = self.expect_ident("an interaction type name after 'INTERACTION('")
        self.itype = interaction_type(type_tok.text)
        type_name = self.itype.name if self.itype else type_tok.text
        self.expect_op(",", f"and the contact link ({type_name}_ContactLink) after the interaction type")
        self.link(self.expect_ident(f"the contact link {type_name}_ContactLink"), type_tok.text, type_name)
        self.expect_close(opened, "INTERACTION(")
        group: Group | None = None
        while True:
            tok = self.peek()
            if not tok.is_op("."):
                raise self.error(
                    f"expected .HAVING(...) after {'.FILTER' if group else 'INTERACTION'}(...), "
                    f"found {tok.describe()}; a behavioral query must end with HAVING", tok)
            self.next()
            part = self.expect_ident("FILTER or HAVING after '.'")
            if part.is_kw("FILTER"):
                if group is not None:
                    raise self.error("FILTER appears twice; join the conditions with && in one FILTER", part)
                group = self.filter(depth)
            elif part.is_kw("HAVING"):
                having = self.having()
                break
            else:
                raise self.error(f"expected FILTER or HAVING after '.', found '{part.text}'", part)
        if self.peek().is_op(".") and self.peek(1).kind == "IDENT":
            after = self.peek(1)
            if after.is_kw("FILTER"):
                raise self.error("FILTER must come before HAVING", after)
            if after.is_kw("HAVING"):
                raise self.error("HAVING appears twice", after)
            raise self.error(f"nothing may follow HAVING(...), found '{after.text}'", after)
        return Behavioral(type_name, group, having, pos=kw.pos, type_pos=type_tok.pos)

    def link(self, tok: Token, written_type: str, type_name: str) -> None:
        text = tok.text.lower()
        suffix = next((s for s in _LINK_SUFFIXES if text.endswith(s)), None)
        if self.itype is None and (suffix is None or text[: -len(suffix)] != written_type.lower()):
            # The type is the first mistake: the link follows from it.
            close = difflib.get_close_matches(written_type.lower(), [t.name.lower() for t in INTERACTION_TYPES], n=1)
            type_tok = self.tokens[self.i - 3]
            raise QuerySyntaxError(f"unknown interaction type '{written_type}'", type_tok.line, type_tok.col,
                                   interaction_type(close[0]).name if close else None)
        if suffix is None:
            raise self.error(
                f"unknown link '{tok.text}': only contact links exist, write {type_name}_ContactLink", tok)
        if text[: -len(suffix)] != written_type.lower():
            raise self.error(
                f"the link '{tok.text}' does not belong to {type_name}; write {type_name}_ContactLink", tok)

    def filter(self, depth: int) -> Group:
        opened = self.expect_op("(", "after FILTER")
        if self.peek().is_op(")"):
            raise self.error("FILTER is empty: write a condition or leave out .FILTER(...)", self.peek())
        self.filter_depth = depth + 1
        group = self.condition(self.deeper(depth, opened))
        self.expect_close(opened, "FILTER(")
        return group

    def having(self) -> Having:
        opened = self.expect_op("(", "after HAVING")
        agg = self.peek()
        if not agg.is_kw(*AGGREGATES):
            raise self.error(
                f"expected COUNT(), SUM(field), AVG(field), MIN(field) or MAX(field), found {agg.describe()}", agg)
        self.next()
        aggregate = agg.text.upper()
        agg_open = self.expect_op("(", f"after {aggregate}")
        field_name, field_tok = None, None
        if aggregate == "COUNT":
            if not self.peek().is_op(")"):
                raise self.error("COUNT() takes no field: write COUNT()", self.peek())
        else:
            field_tok = self.expect_ident(f"a field name in {aggregate}(...)")
            field_name = self.field_name(field_tok)
        self.expect_close(agg_open, f"{aggregate}(")
        op_tok = self.peek()
        if not op_tok.is_op(*COMPARES):
            raise self.error(f"expected a comparison (==, !=, >, >=, <, <=) after {aggregate}(...), "
                             f"found {op_tok.describe()}", op_tok)
        self.next()
        num = self.peek()
        if num.kind != "NUMBER":
            raise self.error(f"expected a number after '{op_tok.text}', found {num.describe()}", num)
        self.next()
        op, value = op_tok.text, num.value
        assert value is not None
        if aggregate == "COUNT" and op == ">" and isinstance(value, int) and 0 <= value < MAX_INTEGER:
            # Dynamics writes "at least N" as COUNT() > N-1; out-of-range values are left to the validator.
            op, value = ">=", value + 1
        window = None
        if self.peek().is_op(","):
            self.next()
            window = self.window()
        self.expect_close(opened, "HAVING(")
        return Having(aggregate, field_name, op, value, window,
                      pos=agg.pos, field_pos=field_tok.pos if field_tok else None, value_pos=num.pos)

    def window(self) -> Window:
        tok = self.peek()
        if not tok.is_kw(*_WINDOWS):
            raise self.error(f"expected UTCDAYS(n), UTCMONTHS(n) or UTCYEARS(n), found {tok.describe()}", tok)
        self.next()
        opened = self.expect_op("(", f"after {tok.text.upper()}")
        num = self.peek()
        if num.kind != "NUMBER" or not isinstance(num.value, int) or "." in num.text:
            raise self.error(f"expected a whole number of {_WINDOWS[tok.text.upper()].lower()}, "
                             f"found {num.describe()}", num)
        self.next()
        self.expect_close(opened, f"{tok.text.upper()}(")
        assert isinstance(num.value, int)
        return Window(_WINDOWS[tok.text.upper()], num.value, pos=tok.pos, n_pos=num.pos)

    # -- conditions ----------------------------------------------------------------------------------

    def condition(self, depth: int) -> Group:
        """An or_expr as one Group: `a && b || c` is OR(AND(a, b), c)."""
        start = self.peek()
        alternatives = [self.and_list(depth)]
        while self.peek().is_op("||") or self.peek().is_kw("OR"):
            self.next()
            alternatives.append(self.and_list(depth))
        if len(alternatives) == 1:
            return Group("AND", tuple(alternatives[0]), pos=start.pos)
        items = tuple(a[0] if len(a) == 1 else Group("AND", tuple(a), pos=a[0].pos) for a in alternatives)
        return Group("OR", items, pos=start.pos)

    def and_list(self, depth: int) -> list[Condition]:
        items = [self.unary(depth)]
        while self.peek().is_op("&&") or self.peek().is_kw("AND"):
            self.next()
            items.append(self.unary(depth))
        return items

    def unary(self, depth: int) -> Condition:
        tok = self.peek()
        if tok.is_op("("):
            inner = self.deeper_group(depth, tok)
            self.next()
            group = self.condition(inner)
            self.expect_close(tok, "group")
            return _as_multi_value(group) or Group(group.op, group.items, pos=tok.pos)
        if tok.is_kw("NOT") and self.peek(1).is_op("("):
            self.next()
            opened = self.next()
            group = self.condition(self.deeper_group(depth, opened))
            self.expect_close(opened, "NOT(")
            return Group(group.op, group.items, negated=True, pos=tok.pos)
        if tok.is_kw("NOT"):
            raise self.error("NOT needs parentheses: NOT(condition)", self.peek(1))
        if self.entity is not None and tok.is_kw("DATEDIFF") and self.peek(1).is_op("("):
            return self.date_diff(tok)
        if tok.is_kw(*NULL_TESTS):
            self.next()
            opened = self.expect_op("(", f"after {tok.text.upper()}")
            field_tok = self.expect_ident(f"a field name in {tok.text.upper()}(...)")
            name = self.field_name(field_tok)
            self.expect_close(opened, f"{tok.text.upper()}(")
            return Clause(name, tok.text.upper(), (), pos=tok.pos, value_pos=())
        if tok.kind != "IDENT" or tok.is_kw("TRUE", "FALSE"):
            raise self.error(
                f"expected a condition (Field == value, ISNULL(Field), NOT(...) or '('), found {tok.describe()}", tok)
        self.next()
        name = self.field_name(tok)
        op_tok = self.peek()
        if op_tok.is_kw(*STRING_TESTS):
            self.next()
            value_tok = self.peek()
            if value_tok.kind != "STRING":
                raise self.error(f"{op_tok.text.upper()} needs a 'string', found {value_tok.describe()}", value_tok)
            self.next()
            return Clause(name, op_tok.text.upper(), (value_tok.text,), pos=tok.pos, value_pos=(value_tok.pos,))
        if not op_tok.is_op(*COMPARES):
            raise self.error(
                f"expected a comparison (==, !=, >, >=, <, <=, CONTAINS, STARTSWITH, ENDSWITH) after {name}, "
                f"found {op_tok.describe()}", op_tok)
        self.next()
        value_tok = self.peek()
        value = self.value(value_tok, op_tok)
        if not isinstance(value, Now | DateValue | DateAdd):
            self.next()
        return Clause(name, op_tok.text, (self.normalise(name, value),), pos=tok.pos, value_pos=(value_tok.pos,))

    def value(self, tok: Token, op_tok: Token) -> Value:
        """The value at `tok`; a date function is consumed here, a plain value is left for the caller."""
        function = self.date_function(tok)
        if function is not None:
            return function
        if tok.kind == "STRING":
            return tok.text
        if tok.kind == "NUMBER":
            assert tok.value is not None
            return tok.value
        if tok.is_kw("TRUE", "FALSE"):
            return tok.text.upper() == "TRUE"
        dates = ", DATETIMEUTCNOW(), DATE(...), DATEADD(...)" if self.entity else ""
        raise self.error(
            f"expected a value ('string', number, True or False{dates}) after '{op_tok.text}', "
            f"found {tok.describe()}", tok)

    def field_name(self, tok: Token) -> str:
        if self.entity is not None:
            return self.attribute_name(tok)
        found = self.itype.field(tok.text) if self.itype else None
        return found.name if found else tok.text

    def normalise(self, name: str, value: Value) -> Value:
        """GUIDs compare as GUIDs, so they are kept in one spelling (lower case, dashed when they parse);
        choice labels take the catalog's spelling."""
        if self.entity is not None:
            attribute = entity(self.entity).attribute(name.rpartition(".")[2])
            kind = attribute.kind if attribute else None
            if kind is FieldKind.CHOICE and isinstance(value, str) and attribute.choice(value) is not None:
                return attribute.label(attribute.choice(value))
        else:
            found = self.itype.field(name) if self.itype else None
            kind = found.kind if found else None
        if kind is not FieldKind.GUID or not isinstance(value, str):
            return value
        guid = parse_guid(value)
        return str(guid) if guid is not None else value.lower()


def _as_multi_value(group: Group) -> Clause | None:
    """A parenthesised `F == 'a' || F == 'b'` is the designer's one multi-value row."""
    items = group.items
    if group.op != "OR" or len(items) < 2:
        return None
    if not all(isinstance(c, Clause) and c.op == "==" and len(c.values) == 1 for c in items):
        return None
    clauses = [c for c in items if isinstance(c, Clause)]
    if len({c.field for c in clauses}) != 1:
        return None
    return Clause(clauses[0].field, "==", tuple(c.values[0] for c in clauses), pos=clauses[0].pos,
                  value_pos=tuple(p for c in clauses for p in (c.value_pos or ())))
