"""A tiny evaluator for the JavaScript expressions of flow input transforms and branch conditions.

Supported: literals (numbers, 'strings', "strings", `templates ${with} parts`, [arrays], true,
false, null, undefined), names (flow_input, results, previous_result, error, iter), member access
`a.b`, `a?.b`, `a["b"]`, `a[0]`, `.length`, parentheses, `!`, unary `-`, `+ -` (numbers, string
concatenation), `=== !== == != < <= > >=`, `&& || ??` and `c ? a : b`, short-circuiting as in JS.
Anything else raises Unsupported, and the step fails saying so.
"""

import re


class Unsupported(Exception):
    pass


class JsError(Exception):
    """A JavaScript runtime error (TypeError on reading a property of undefined, …)."""


class _Undefined:
    def __repr__(self):
        return "undefined"


UNDEFINED = _Undefined()

_TOKEN = re.compile(r"""\s*(?:
    (?P<num>\d+(?:\.\d+)?)
  | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<tpl>`(?:[^`\\]|\\.)*`)
  | (?P<op>===|!==|==|!=|<=|>=|&&|\|\||\?\?|\?\.(?!\d)|[.\[\](){}!<>+\-?:,])
)""", re.X)


def _tokens(text):
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unsupported(f"cannot read {text[pos:pos + 20]!r}")
        pos = m.end()
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
    out.append(("end", None))
    return out


def truthy(v):
    if v is UNDEFINED or v is None or v is False:
        return False
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v != 0
    if v == "":
        return False
    return True


def _loose_eq(a, b):
    if a in (None, UNDEFINED) and b in (None, UNDEFINED):
        return True
    return _strict_eq(a, b)


def _strict_eq(a, b):
    if a is UNDEFINED or b is UNDEFINED:
        return a is b
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return a is b
    return a == b


def _member(obj, key):
    if obj is None or obj is UNDEFINED:
        raise JsError(f"TypeError: Cannot read properties of {'null' if obj is None else 'undefined'} "
                      f"(reading '{key}')")
    if key == "length" and isinstance(obj, (list, str)):
        return len(obj)
    if isinstance(obj, dict):
        return obj.get(str(key), UNDEFINED) if str(key) in obj else UNDEFINED
    if isinstance(obj, list) and isinstance(key, (int, float)) and not isinstance(key, bool):
        i = int(key)
        return obj[i] if 0 <= i < len(obj) and i == key else UNDEFINED
    if isinstance(obj, list) and isinstance(key, str) and key.isdigit():
        return _member(obj, int(key))
    return UNDEFINED


class _Parser:
    def __init__(self, text, scope):
        self.toks = _tokens(text)
        self.i = 0
        self.scope = scope
        self.dead = 0  # > 0 while reading an operand that short-circuiting leaves unevaluated

    def peek(self):
        return self.toks[self.i]

    def take(self, value=None):
        tok = self.toks[self.i]
        if value is not None and tok[1] != value:
            raise Unsupported(f"expected {value!r}, found {tok[1]!r}")
        self.i += 1
        return tok

    def parse(self):
        v = self.conditional()
        if self.peek()[0] != "end":
            raise Unsupported(f"unexpected {self.peek()[1]!r}")
        return v

    def _operand(self, parse, evaluated):
        if evaluated:
            return parse()
        self.dead += 1
        try:
            parse()
        finally:
            self.dead -= 1
        return None

    def conditional(self):
        cond = self.coalesce()
        if self.peek()[1] != "?":
            return cond
        self.take()
        yes = self._operand(self.conditional, truthy(cond))
        self.take(":")
        no = self._operand(self.conditional, not truthy(cond))
        return yes if truthy(cond) else no

    def coalesce(self):
        v = self.disj()
        while self.peek()[1] == "??":
            self.take()
            nullish = v is None or v is UNDEFINED
            rhs = self._operand(self.disj, nullish)
            v = rhs if nullish else v
        return v

    def disj(self):
        v = self.conj()
        while self.peek()[1] == "||":
            self.take()
            rhs = self._operand(self.conj, not truthy(v))
            v = v if truthy(v) else rhs
        return v

    def conj(self):
        v = self.equality()
        while self.peek()[1] == "&&":
            self.take()
            rhs = self._operand(self.equality, truthy(v))
            v = rhs if truthy(v) else v
        return v

    def equality(self):
        v = self.relation()
        while self.peek()[1] in ("===", "!==", "==", "!="):
            op = self.take()[1]
            rhs = self.relation()
            eq = _strict_eq(v, rhs) if op in ("===", "!==") else _loose_eq(v, rhs)
            v = eq if op in ("===", "==") else not eq
        return v

    def unary(self):
        tok = self.peek()
        if tok[1] == "!":
            self.take()
            return not truthy(self.unary())
        if tok[1] == "-":
            self.take()
            v = self.unary()
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                raise Unsupported("unary minus on a non-number")
            return -v
        return self.postfix()

    def postfix(self):
        v = self.primary()
        while True:
            tok = self.peek()
            if tok[1] in (".", "?."):
                self.take()
                kind, name = self.take()
                if kind != "name":
                    raise Unsupported(f"expected a property name, found {name!r}")
                if tok[1] == "?." and (v is None or v is UNDEFINED):
                    v = UNDEFINED
                else:
                    v = self._member(v, name)
            elif tok[1] == "[":
                self.take()
                key = self.conditional()
                self.take("]")
                v = self._member(v, key)
            elif tok[1] == "(":
                raise Unsupported("function calls")
            else:
                return v

    def template(self, body):
        """A template literal: text with ${expression} parts."""
        out, i = [], 0
        escapes = {"n": "\n", "t": "\t", "r": "\r"}
        while i < len(body):
            if body.startswith("${", i):
                depth, j = 1, i + 2
                while j < len(body) and depth:
                    depth += {"{": 1, "}": -1}.get(body[j], 0)
                    j += 1
                if depth:
                    raise Unsupported("unterminated ${ in a template literal")
                inner = _Parser(body[i + 2:j - 1], self.scope)
                inner.dead = self.dead
                value = inner.parse()
                out.append("" if self.dead else to_string(value))
                i = j
            elif body[i] == "\\" and i + 1 < len(body):
                out.append(escapes.get(body[i + 1], body[i + 1]))
                i += 2
            else:
                out.append(body[i])
                i += 1
        return "".join(out)

    def _member(self, obj, key):
        if self.dead and (obj is None or obj is UNDEFINED or not isinstance(key, (str, int, float))):
            return UNDEFINED
        return _member(obj, key)

    def relation(self):
        v = self.additive()
        while self.peek()[1] in ("<", "<=", ">", ">="):
            op = self.take()[1]
            rhs = self.additive()
            if self.dead:
                v = False
                continue
            numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (v, rhs))
            if not (numbers or isinstance(v, str) and isinstance(rhs, str)):
                raise Unsupported(f"comparison of {v!r} and {rhs!r}")
            v = {"<": v < rhs, "<=": v <= rhs, ">": v > rhs, ">=": v >= rhs}[op]
        return v

    def additive(self):
        v = self.unary()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            rhs = self.unary()
            if self.dead:
                continue
            if op == "+" and (isinstance(v, str) or isinstance(rhs, str)):
                v = to_string(v) + to_string(rhs)
            elif all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (v, rhs)):
                v = v + rhs if op == "+" else v - rhs
            else:
                raise Unsupported(f"{op} on {v!r} and {rhs!r}")
        return v

    def primary(self):
        kind, text = self.take()
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "str":
            escapes = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}
            return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), text[1:-1])
        if kind == "name":
            consts = {"true": True, "false": False, "null": None, "undefined": UNDEFINED}
            if text in consts:
                return consts[text]
            if text in self.scope:
                return self.scope[text]
            raise Unsupported(f"name {text!r}")
        if kind == "tpl":
            return self.template(text[1:-1])
        if text == "(":
            v = self.conditional()
            self.take(")")
            return v
        if text == "[":
            items = []
            while self.peek()[1] != "]":
                items.append(self.conditional())
                if self.peek()[1] != ",":
                    break
                self.take(",")
            self.take("]")
            return items
        raise Unsupported(f"unexpected {text!r}")


def to_string(v):
    """JavaScript's String(v) for JSON values."""
    if v is UNDEFINED:
        return "undefined"
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, list):
        return ",".join("" if x is None or x is UNDEFINED else to_string(x) for x in v)
    if isinstance(v, dict):
        return "[object Object]"
    return str(v)


def evaluate(text, scope):
    """The value of expression text with the names of scope; UNDEFINED for JavaScript's undefined."""
    if not text.strip():
        return UNDEFINED
    return _Parser(text, scope).parse()
