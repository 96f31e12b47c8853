"""A SOQL subset: tokenizer and recursive-descent parser producing a small AST.

Supported: ``SELECT`` fields, relationship paths and ``COUNT()``/``COUNT(field)``;
``FROM`` one object; ``WHERE`` with = != <> < <= > >= LIKE IN NOT IN (values or a
semi-join sub-select), AND / OR / NOT and parentheses; ``ORDER BY`` with
ASC/DESC and NULLS FIRST/LAST; ``LIMIT``; ``OFFSET``. Anything else (GROUP BY,
TYPEOF, child sub-queries, functions other than COUNT, WITH, FOR ...) is
answered with MALFORMED_QUERY, which is what a client relying on it needs to
learn early.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from ._state_soql_ast import (
    BoolOp,
    Comparison,
    Cond,
    Count,
    FieldRef,
    InList,
    Literal,
    Not,
    OrderItem,
    Query,
    SemiJoin,
    SoqlError,
    Token,
)

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
   |(?P<string>'(?:[^'\\]|\\.)*')
   |(?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2}))
   |(?P<date>\d{4}-\d{2}-\d{2})
   |(?P<number>-?\d+(?:\.\d+)?)
   |(?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(?::\d+)?)
   |(?P<op><=|>=|!=|<>|=|<|>)
   |(?P<punct>[(),])
    """,
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
KEYWORDS = frozenset(
    [
        "SELECT",
        "FROM",
        "WHERE",
        "AND",
        "OR",
        "NOT",
        "IN",
        "LIKE",
        "ORDER",
        "BY",
        "ASC",
        "DESC",
        "NULLS",
        "FIRST",
        "LAST",
        "LIMIT",
        "OFFSET",
        "NULL",
        "TRUE",
        "FALSE",
        "GROUP",
        "HAVING",
        "INCLUDES",
        "EXCLUDES",
        "WITH",
        "FOR",
        "USING",
        "TYPEOF",
    ]
)


def malformed(text: str, pos: int, detail: str) -> SoqlError:
    """Salesforce points at the offending column under a copy of the query."""
    row = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    line = text.splitlines()[row - 1] if text.strip() else ""
    pointer = " " * (column - 1) + "^"
    return SoqlError(
        "MALFORMED_QUERY", f"\n{line}\n{pointer}\nERROR at Row:{row}:Column:{column}\n{detail}"
    )


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            if text[pos] == "'":
                raise malformed(text, pos, f'line 1:{pos} no viable alternative at character "\'"')
            raise malformed(text, pos, f"unexpected token: '{text[pos]}'")
        kind = match.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, match.group(), pos))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def unescape(raw: str, *, keep_like: bool = False) -> str:
    """Decode a quoted SOQL string; LIKE patterns keep ``\\%`` and ``\\_`` escaped."""
    out: list[str] = []
    i = 1
    while i < len(raw) - 1:
        char = raw[i]
        if char == "\\":
            nxt = raw[i + 1]
            if (nxt in "%_" and keep_like) or nxt in "%_":
                out.append("\\" + nxt)
            elif nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
            else:
                raise SoqlError(
                    "MALFORMED_QUERY", f"Invalid string literal '{raw}'. Illegal escape"
                )
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def parse_datetime(text: str) -> datetime:
    base = text[:19]
    value = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S")
    rest = text[19:]
    micro = 0
    if rest.startswith("."):
        frac = rest[1:].split("Z")[0].split("+")[0].split("-")[0]
        micro = int(frac.ljust(6, "0")[:6])
        rest = rest[1 + len(frac) :]
    tz: timezone = UTC
    if rest and rest != "Z":
        sign = 1 if rest[0] == "+" else -1
        digits = rest[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))
    return value.replace(microsecond=micro, tzinfo=tz).astimezone(UTC)


def like_pattern(pattern: str) -> re.Pattern[str]:
    """A LIKE pattern (``%`` any run, ``_`` one character, ``\\`` escapes) as a regex."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


class _Parser:
    def __init__(self, text: str, tokens: list[Token], start: int = 0) -> None:
        self.text = text
        self.tokens = tokens
        self.i = start

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def fail(self, tok: Token | None = None) -> SoqlError:
        tok = tok or self.tok
        detail = (
            "unexpected token: <EOF>" if tok.kind == "end" else f"unexpected token: '{tok.text}'"
        )
        return malformed(self.text, tok.pos, detail)

    def expect_kw(self, *words: str) -> Token:
        if not self.tok.is_kw(*words):
            raise self.fail()
        return self.advance()

    def expect(self, text: str) -> Token:
        if self.tok.text != text:
            raise self.fail()
        return self.advance()

    def field(self) -> FieldRef:
        tok = self.tok
        if tok.kind != "ident" or tok.text.upper() in KEYWORDS or ":" in tok.text:
            raise self.fail()
        self.advance()
        return FieldRef(tuple(tok.text.split(".")), tok.pos)

    def query(self) -> Query:
        self.expect_kw("SELECT")
        fields: list[FieldRef | Count] = []
        while True:
            if self.tok.is_kw("COUNT") and self.tokens[self.i + 1].text == "(":
                self.advance()
                self.advance()
                counted = None if self.tok.text == ")" else self.field()
                self.expect(")")
                alias = None
                if self.tok.kind == "ident" and not self.tok.is_kw(*KEYWORDS):
                    alias = self.advance().text
                fields.append(Count(counted, alias))
            elif self.tok.text == "(" or self.tokens[self.i + 1].text == "(":
                raise self.fail(self.tokens[self.i + 1] if self.tok.text != "(" else self.tok)
            else:
                fields.append(self.field())
            if self.tok.text != ",":
                break
            self.advance()
        self.expect_kw("FROM")
        obj = self.tok
        if obj.kind != "ident" or obj.text.upper() in KEYWORDS or "." in obj.text:
            raise self.fail()
        self.advance()
        where = None
        if self.tok.is_kw("WHERE"):
            self.advance()
            where = self.disjunction()
        order: list[OrderItem] = []
        if self.tok.is_kw("ORDER"):
            self.advance()
            self.expect_kw("BY")
            while True:
                ref = self.field()
                desc = False
                if self.tok.is_kw("ASC", "DESC"):
                    desc = self.advance().text.upper() == "DESC"
                nulls_last = desc
                if self.tok.is_kw("NULLS"):
                    self.advance()
                    nulls_last = self.expect_kw("FIRST", "LAST").text.upper() == "LAST"
                order.append(OrderItem(ref, desc, nulls_last))
                if self.tok.text != ",":
                    break
                self.advance()
        limit = self.integer("LIMIT")
        offset = self.integer("OFFSET")
        return Query(
            self.text, tuple(fields), obj.text, obj.pos, where, tuple(order), limit, offset
        )

    def integer(self, word: str) -> int | None:
        if not self.tok.is_kw(word):
            return None
        self.advance()
        tok = self.tok
        if tok.kind != "number" or not tok.text.isdigit():
            raise self.fail()
        self.advance()
        return int(tok.text)

    def disjunction(self) -> Cond:
        items = [self.conjunction()]
        while self.tok.is_kw("OR"):
            self.advance()
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else BoolOp("OR", tuple(items))

    def conjunction(self) -> Cond:
        items = [self.negation()]
        while self.tok.is_kw("AND"):
            self.advance()
            items.append(self.negation())
        return items[0] if len(items) == 1 else BoolOp("AND", tuple(items))

    def negation(self) -> Cond:
        if self.tok.is_kw("NOT"):
            self.advance()
            return Not(self.negation())
        if self.tok.text == "(":
            self.advance()
            inner = self.disjunction()
            self.expect(")")
            return inner
        return self.predicate()

    def predicate(self) -> Cond:
        ref = self.field()
        negate = False
        if self.tok.is_kw("NOT"):
            self.advance()
            negate = True
            if not self.tok.is_kw("IN"):
                raise self.fail()
        if self.tok.is_kw("IN"):
            self.advance()
            self.expect("(")
            if self.tok.is_kw("SELECT"):
                sub = self.query_until_paren()
                return SemiJoin(ref, sub, negate)
            values = [self.literal()]
            while self.tok.text == ",":
                self.advance()
                values.append(self.literal())
            self.expect(")")
            return InList(ref, tuple(values), negate)
        if self.tok.is_kw("LIKE"):
            self.advance()
            value = self.literal()
            if value.kind != "string":
                raise self.fail(self.tokens[self.i - 1])
            return Comparison(ref, "LIKE", value)
        if self.tok.kind != "op":
            raise self.fail()
        op = self.advance().text
        return Comparison(ref, "!=" if op == "<>" else op, self.literal())

    def query_until_paren(self) -> Query:
        sub = _Parser(self.text, self.tokens, self.i)
        query = sub.query()
        self.i = sub.i
        self.expect(")")
        return query

    def literal(self) -> Literal:
        tok = self.advance()
        if tok.kind == "string":
            return Literal("string", unescape(tok.text), tok.text, tok.pos)
        if tok.kind == "number":
            value: Any = float(tok.text) if "." in tok.text else int(tok.text)
            return Literal("number", value, tok.text, tok.pos)
        if tok.kind == "datetime":
            return Literal("datetime", parse_datetime(tok.text), tok.text, tok.pos)
        if tok.kind == "date":
            try:
                return Literal("date", date.fromisoformat(tok.text), tok.text, tok.pos)
            except ValueError:
                raise self.fail(tok) from None
        if tok.is_kw("NULL"):
            return Literal("null", None, tok.text, tok.pos)
        if tok.is_kw("TRUE", "FALSE"):
            return Literal("boolean", tok.text.upper() == "TRUE", tok.text, tok.pos)
        if tok.kind == "ident" and "." not in tok.text:
            return Literal("dateconst", tok.text.upper(), tok.text, tok.pos)
        raise self.fail(tok)


def parse(text: str) -> Query:
    tokens = tokenize(text)
    parser = _Parser(text, tokens)
    query = parser.query()
    if parser.tok.kind != "end":
        raise parser.fail()
    return query


__all__ = [
    "KEYWORDS",
    "BoolOp",
    "Comparison",
    "Cond",
    "Count",
    "FieldRef",
    "InList",
    "Literal",
    "Not",
    "OrderItem",
    "Query",
    "SemiJoin",
    "SoqlError",
    "Token",
    "like_pattern",
    "malformed",
    "parse",
    "parse_datetime",
    "tokenize",
    "unescape",
]
