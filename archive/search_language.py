"""The search language: what people type into web search boxes, a small documented
subset of it, translated into an FTS5 query in which every word is a quoted string, so
nothing the user types is ever read as FTS5 syntax or SQL (``fts_query``):

==========================  ===================================================
``banjir pamulang``         both words occur (title or body), in any order
``"andra soni"``            the phrase, words adjacent and in this order
``banjir OR longsor``       either word (``OR`` in capitals)
``-hujan`` / ``NOT hujan``  the word does not occur (needs a positive word too)
``vaksin*``                 words starting with ``vaksin``
``(banjir OR longsor) -hoaks``  parentheses group
==========================  ===================================================

``OR`` binds tighter than the implicit "and" between words, as in web search:
``banjir tangsel OR serpong`` means banjir and (tangsel or serpong). Case and
diacritics are folded by the index (``kesehatan`` finds ``kesehatán``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_QUERY_LENGTH = 1000
MAX_NESTING = 10


class QuerySyntaxError(ValueError):
    """A search query that the language cannot read; the message says where and why."""


# A bare word: letters/digits, optionally joined by inner punctuation that belongs to
# Indonesian text (covid-19, 80.000, Jum'at, 15/9), optionally ending in * (prefix).
_WORD = re.compile(r"\w+(?:[-.'/,&]\w+)*(\*)?")
_SPACE = re.compile(r"\s+")


@dataclass
class _Token:
    kind: str  # word, phrase, or, and, not, minus, lparen, rparen
    text: str
    column: int  # 1-based position in the query, for messages
    prefix: bool = False


def _tokenise(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(query):
        char = query[pos]
        if char.isspace():
            pos = _SPACE.match(query, pos).end()
            continue
        column = pos + 1
        if char == '"':
            end = query.find('"', pos + 1)
            if end < 0:
                raise QuerySyntaxError(
                    f'unbalanced quote at column {column}: close the phrase with another "'
                )
            text = query[pos + 1 : end]
            if not re.search(r"\w", text):
                raise QuerySyntaxError(f"empty phrase at column {column}: put words inside quotes")
            pos = end + 1
            prefix = query.startswith("*", pos)
            pos += prefix
            tokens.append(_Token("phrase", text, column, prefix))
            continue
        if char in "()":
            tokens.append(_Token("lparen" if char == "(" else "rparen", char, column))
            pos += 1
            continue
        if char == "-":
            tokens.append(_Token("minus", char, column))
            pos += 1
            continue
        word = _WORD.match(query, pos)
        if word is None:
            if char == "*":
                raise QuerySyntaxError(
                    f"'*' at column {column} must end a word (prefix search: vaksin*)"
                )
            raise QuerySyntaxError(
                f"unexpected character {char!r} at column {column}; "
                'put punctuation inside a "quoted phrase" to search for the words around it'
            )
        text = word.group(0)
        pos = word.end()
        if pos < len(query) and not (query[pos].isspace() or query[pos] in '()"'):
            if text.endswith("*"):
                raise QuerySyntaxError(
                    f"'*' at column {pos} must end a word (prefix search: vaksin*)"
                )
            bad = query[pos]
            raise QuerySyntaxError(
                f"unexpected character {bad!r} at column {pos + 1}; "
                'put punctuation inside a "quoted phrase" to search for the words around it'
            )
        if text in ("OR", "AND", "NOT"):
            tokens.append(_Token(text.lower(), text, column))
        else:
            prefix = text.endswith("*")
            tokens.append(_Token("word", text.rstrip("*"), column, prefix))
    return tokens


def _quote(text: str, prefix: bool) -> str:
    # FTS5 strings are double-quoted with "" for a literal quote; the tokenizer then
    # splits the string into words, so punctuation inside is harmless.
    return '"' + text.replace('"', '""') + '"' + (" *" if prefix else "")


class _Parser:
    """Recursive descent over the tokens; produces a fully parenthesised FTS5 query so
    that FTS5's own precedence (NOT > AND > OR) never applies to the user's words."""

    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> str:
        expr = self.sequence(depth=0)
        token = self.peek()
        if token is not None:  # only a stray ')' stops a top-level sequence
            raise QuerySyntaxError(f"unbalanced ')' at column {token.column}")
        return expr

    def sequence(self, depth: int) -> str:
        """Clauses joined by (implicit or explicit) AND; each may be negated."""
        positive: list[str] = []
        negative: list[str] = []
        start = self.peek()
        while (token := self.peek()) is not None and token.kind != "rparen":
            if token.kind == "and":
                self.take()
                if not positive and not negative or self.peek() is None:
                    raise QuerySyntaxError(f"AND at column {token.column} needs a word each side")
                continue
            negated = token.kind in ("not", "minus")
            if negated:
                self.take()
                following = self.peek()
                if following is None or following.kind not in ("word", "phrase", "lparen"):
                    name = "NOT" if token.kind == "not" else "'-'"
                    raise QuerySyntaxError(
                        f"{name} at column {token.column} must be followed by a word, "
                        "a phrase or a group"
                    )
            (negative if negated else positive).append(self.alternatives(depth))
        if not positive:
            if negative:
                raise QuerySyntaxError(
                    "a query needs at least one word to find, not only words to exclude"
                )
            if start is not None:
                raise QuerySyntaxError(f"empty parentheses at column {start.column}")
            raise QuerySyntaxError("empty query: give at least one word")
        expr = " AND ".join(positive)
        if len(positive) > 1 and (negative or depth):
            expr = f"({expr})"
        for excluded in negative:
            expr = f"{expr} NOT {excluded}"
        return f"({expr})" if negative and depth else expr

    def alternatives(self, depth: int) -> str:
        options = [self.atom(depth)]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            following = self.peek()
            if following is None or following.kind not in ("word", "phrase", "lparen"):
                raise QuerySyntaxError(f"OR at column {token.column} needs a word each side")
            options.append(self.atom(depth))
        return options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")"

    def atom(self, depth: int) -> str:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("the query ends too early")
        if token.kind in ("word", "phrase"):
            self.take()
            return _quote(token.text, token.prefix)
        if token.kind == "lparen":
            if depth >= MAX_NESTING:
                raise QuerySyntaxError(f"too many nested parentheses (at most {MAX_NESTING})")
            self.take()
            inner = self.sequence(depth + 1)
            closing = self.peek()
            if closing is None or closing.kind != "rparen":
                raise QuerySyntaxError(f"unbalanced '(' at column {token.column}")
            self.take()
            return inner if inner.startswith("(") else f"({inner})"
        if token.kind in ("or", "and"):
            raise QuerySyntaxError(f"{token.text} at column {token.column} needs a word each side")
        raise QuerySyntaxError(f"unexpected {token.text!r} at column {token.column}")


def fts_query(query: str) -> str:
    """Translate a query in the search language (see the module docstring) into an FTS5
    MATCH expression in which every user word is a quoted string.

    >>> fts_query('banjir -hoaks "andra soni" vaksin*')
    '("banjir" AND "andra soni" AND "vaksin" *) NOT "hoaks"'

    Raises ``QuerySyntaxError`` with a message naming the column of the problem.
    """
    if len(query) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(f"query longer than {MAX_QUERY_LENGTH} characters")
    tokens = _tokenise(query)
    if not tokens:
        raise QuerySyntaxError("empty query: give at least one word")
    return _Parser(tokens).parse()
