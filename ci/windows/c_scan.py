"""Find the Jet API functions C code calls, ignoring comments and literals.

Cython copies the .pyx source into comments of the generated C (`def JetInit(...)` and the like),
and names appear in string literals, so those are blanked out before looking for calls.  Cython's
own functions are mangled (`__pyx_pw_5esent_6_esent_3JetInit`), so a name that starts a word
with `Jet` and is followed by `(` is a call (or a declaration) of the C API."""

from __future__ import annotations

import re

_LEXEMES = re.compile(
    r"""
      (?P<block>/\*.*?\*/)
    | (?P<line>//[^\n]*)
    | (?P<string>"(?:\\.|[^"\\\n])*")
    | (?P<char>'(?:\\.|[^'\\\n])*')
    """,
    re.S | re.X,
)

_CALL = re.compile(r"(?<![A-Za-z0-9_])(Jet[A-Za-z0-9_]*)\s*\(")


def strip_comments_and_literals(text: str) -> str:
    """Blank comments and string/char literals, keeping newlines (so line numbers hold)."""

    def blank(m: re.Match) -> str:
        s = m.group(0)
        if m.lastgroup in ("string", "char"):
            return s[0] + " " * (len(s) - 2) + s[-1]
        return re.sub(r"[^\n]", " ", s)

    return _LEXEMES.sub(blank, text)


def jet_calls(c_text: str) -> set[str]:
    """Names of Jet* functions called in C source (comments and literals ignored)."""
    return set(_CALL.findall(strip_comments_and_literals(c_text)))


def rename_calls(c_text: str, old: str, new: str) -> str:
    """Rename every call of `old` to `new` (outside comments and literals)."""
    code = strip_comments_and_literals(c_text)
    pattern = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(old)}(?=\s*\()")
    spans = [m.span() for m in pattern.finditer(code)]
    out, last = [], 0
    for a, b in spans:
        out += [c_text[last:a], new]
        last = b
    out.append(c_text[last:])
    return "".join(out)
