"""Structural Verilog's lexical level: keywords, identifiers and the tokenizer, shared by the
writer (which names must be escaped) and the reader."""

from __future__ import annotations

import re

from btfsynth.errors import FormatError

from .nets import BOM

KEYWORDS = frozenset(
    """always and assign automatic begin buf bufif0 bufif1 case casex casez cell cmos config
    deassign default defparam design disable edge else end endcase endconfig endfunction
    endgenerate endmodule endprimitive endspecify endtable endtask event for force forever fork
    function generate genvar highz0 highz1 if ifnone incdir include initial inout input instance
    integer join large liblist library localparam macromodule medium module nand negedge nmos
    nor noshowcancelled not notif0 notif1 or output parameter pmos posedge primitive pull0 pull1
    pulldown pullup pulsestyle_onevent pulsestyle_ondetect rcmos real realtime reg release
    repeat rnmos rpmos rtran rtranif0 rtranif1 scalared showcancelled signed small specify
    specparam strong0 strong1 supply0 supply1 table task time tran tranif0 tranif1 tri tri0 tri1
    triand trior trireg unsigned use uwire vectored wait wand weak0 weak1 while wire wor xnor
    xor""".split()
)
PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
PRINTABLE = re.compile(r"[!-~]+")
"""What an escaped identifier may hold: printable ASCII without white space."""


_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/|\(\*.*?\*\)|`[^\n]*", re.DOTALL)
"""Comments, attributes and compiler directives, all dropped."""
_TOKEN = re.compile(
    r"""\\[!-~]+
    | (?:[0-9][0-9_]*)?[ \t]*'[sS]?[bBoOdDhH][ \t]*[0-9a-fA-FxXzZ?_]+ | [0-9][0-9_]*
    | [A-Za-z_][A-Za-z0-9_$]* | \$[A-Za-z0-9_$]+
    | ~\^|\^~|~&|~\||&&|\|\||===|!==|==|!=|<=|>=|<<<|>>>|<<|>>|[-+*/%<>!~&|^?:;,.()\[\]{}=\#@]
    | \S""",
    re.VERBOSE,
)
OPERATORS = frozenset(
    "~^ ^~ ~& ~| && || === !== == != <= >= <<< >>> << >> - + * / % < > ! ~ & | ^ ? : ; , . ( ) "
    "[ ] { } = # @".split()
)
END = ""
"""The text of the token after the last one."""


def token_kind(text: str) -> str:
    """escaped, number, name, system, op, end or bad, from the token text."""
    if not text:
        return "end"
    first = text[0]
    if first == "\\":
        return "escaped"
    if first.isdigit() or first == "'":
        return "number"
    if first.isalpha() or first == "_":
        return "name"
    if first == "$":
        return "system"
    return "op" if text in OPERATORS else "bad"


def tokenize(text: str, path=None) -> tuple[list[str], list[int]]:
    """The token texts of ``text`` and their line numbers (comments and directives dropped),
    ending with :data:`END`."""
    clean = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text.removeprefix(BOM))
    texts: list[str] = []
    lines: list[int] = []
    for number, line in enumerate(clean.split("\n"), 1):
        found = _TOKEN.findall(line)
        if found:
            texts += found
            lines += [number] * len(found)
    for opener in ("/*", "(*"):
        at = clean.find(opener)
        if at >= 0:
            raise FormatError(f"unterminated {opener}", path, clean.count("\n", 0, at) + 1)
    texts.append(END)
    lines.append(lines[-1] if lines else 1)
    return texts, lines
