"""Which technology an answer is about: an answer given for another stack earns no points.

Asked how FastAPI applies a router prefix, a candidate who explains Express's ``app.use`` says
"router", "prefix" and "mount" in the bank's own words, and would earn word credit for a point
they never made about FastAPI. An interviewer gives that answer nothing. So: an answer that names
another language, framework or tool, and names neither the bank's own stack (``[bank] stack``,
e.g. Python, FastAPI) nor one of the question's own identifiers (``APIRouter``,
``field_validator``), is judged as about that other stack. An answer that compares ("like a Flask
blueprint, an APIRouter ...") names its own stack too and is judged as usual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.fuzz import ratio

from questions.forms import Heard
from questions.model import Bank, Question
from questions.normalize import tokenize

# Names that are also ordinary English words (go, express, spring, rails, rust, react, node,
# swift) count only capitalised and not first in a sentence; the rest count in any case.
_ANY_CASE = {
    "Python": r"python|asyncio|fast\s*api|pydantic|starlette|uvicorn|sql\s*alchemy",
    "Java": r"java(?!\s*script)|jvm|spring\s+boot|hibernate|servlets?",
    "JavaScript": r"java\s*script|type\s*script|node\s*(?:dot\s*)?js|nest\s*js|deno|libuv",
    "Go": r"golang|goroutines?",
    "Rust": r"tokio",
    "Ruby": r"ruby|ruby\s+on\s+rails|active\s*record|sidekiq",
    "Django": r"django",
    "Flask": r"flask",
    "C#": r"c\s*(?:#|sharp)|asp\s*(?:dot\s*|\.)?net|\.net|dot\s*net",
    "PHP": r"php|laravel|symfony",
    "Kotlin": r"kotlin",
    "Elixir": r"elixir|erlang",
    "Scala": r"scala|akka",
    "Kubernetes": r"kubernetes|kubelet|k8s",
    "Docker": r"docker(?:file)?",
    "PostgreSQL": r"postgres(?:ql)?|my\s*sql",
}
_DOT = r"\s*(?:dot\s*|\.)"  # "app.use" as written or said
_UNDERSCORE = r"\s*(?:underscore\s*|_)"
# What people of another stack say without naming it: its own API and file names.
_APIS = {
    "Java": r"auto\s*wired|(?:get|post|request)\s*mapping|rest\s*controller|jpa|lombok|json\s*ignore"
    r"|completable\s*future|executor\s*service|reentrant\s*lock|response\s*entity",
    "C#": rf"program{_DOT}cs|add\s*(?:scoped|transient|singleton)|i\s*service\s*collection"
    r"|entity\s*framework",
    "JavaScript": rf"express{_DOT}router|app{_DOT}use|req{_DOT}(?:params|query|body)|res{_DOT}(?:json|send)"
    rf"|promise{_DOT}(?:all|race|resolve|reject)|mongoose|prisma|type\s*orm|sequelize|npm|package{_DOT}json"
    rf"|micro\s*tasks?|{_DOT}then\b|console{_DOT}log|process{_DOT}next\s*tick|set\s*immediate"
    rf"|module{_DOT}exports",
    "Go": rf"sync{_DOT}mutex|wait\s*group|go\s+func|gin{_DOT}(?:context|default|engine)|should\s*bind"
    r"|err\s*(?:!=|not\s+equals?|is\s+not)\s*nil|http{_DOT}handle\s*func|struct\s+tags?",
    # Not "cargo": Whisper hears it in plain speech.
    "Rust": r"serde|axum|actix|async\s+fn|impl\s+future|borrow\s+checker|wakers?"
    r"|(?:::|colon\s+colon)\s*pending",
    "Kotlin": rf"suspend\s+fun|dispatchers{_DOT}io",
    "Elixir": r"gen\s*server",
    "Django": rf"model\s*serializers?|start\s*app|(?:manage|urls|views){_DOT}py|installed{_UNDERSCORE}apps"
    rf"|query\s*sets?|(?:select|prefetch){_UNDERSCORE}related",
    "Flask": rf"register{_UNDERSCORE}blueprint|url{_UNDERSCORE}prefix",
    "SQL": r"create\s+table|alter\s+table|select\s+(?:\w+\s+)?for\s+update",
}
_CAPITALISED = {
    "Go": r"Go",
    "JavaScript": r"Node|Express|React|Angular|Vue|setTimeout|setInterval|Injectable|Promises?",
    "Java": r"Spring|Quarkus|Micronaut|PathVariable|RequestParam",
    "Ruby": r"Rails",
    "Rust": r"Rust",
    "Swift": r"Swift",
    "Flask": r"Blueprints?",  # lower case, a blueprint is any plan
    "C#": r"From(?:Route|Header|Query|Body|Services)|Map(?:Get|Post|Put|Delete|Group)|AsParameters"
    r"|IActionResult|DbContext",
}
_PATTERNS = [
    *(
        (name, re.compile(rf"(?<!\w)(?:{p})(?!\w)", re.IGNORECASE))
        for table in (_ANY_CASE, _APIS)
        for name, p in table.items()
    ),
    # Not at the start of a sentence, where any word is capitalised.
    *((name, re.compile(rf"(?<![.!?]\s)(?<!^)(?<!\w)(?:{p})(?!\w)")) for name, p in _CAPITALISED.items()),
]
# Frameworks of the lexicon written in a language a bank may name as its own stack.
_LANGUAGE_OF = {"Django": "Python", "Flask": "Python"}
# A question's identifiers that are every stack's, not the bank's own.
_STANDARDS = frozenset({"openapi", "json"})
_CAMEL = re.compile(r"[a-z][A-Z]|^[A-Z]{2,}[a-z]")
_CAMEL_PARTS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z]+")
NEAR_MISS = 85  # rapidfuzz ratio at which a heard word is the stack name misheard ("Pidantic")
_GLUE = 3  # "a sync IO" is asyncio said in three words


# "It's a bit like Kotlin, where ...", "unlike Flask's blueprints": named only to compare.
_COMPARED = re.compile(
    r"\b(?:like|unlike|similar\s+to|compared\s+(?:to|with)|versus|vs|than|same\s+as|equivalent\s+(?:of|to|in)"
    r"|as\s+(?:in|with)|coming\s+from|analogous\s+to|mirrors?"
    r"|if\s+you(?:'ve|\s+have)?\s+(?:know|used|worked\s+with|come\s+from))\b[\w\s,']{0,24}$",
    re.IGNORECASE,
)
# "In Go you'd put tags on the struct. Same idea here: ...": the answer turns to this stack.
_TURNS_HERE = re.compile(
    r"(?:^|[.!?;:]\s*)(?:same\s+(?:idea|thing)\s+here|but\s+here|here,?\s+(?:you|the|it|we|i|they))\b",
    re.IGNORECASE,
)
# "In Java terms it's an outbound DTO", "a Spring-style provider": the name qualifies a comparison.
_COMPARED_AFTER = re.compile(r"^(?:'s)?[\s-]*(?:terms|style|equivalent|analogy)\b", re.IGNORECASE)
# "Pydantic's Rust core", "written in Rust": a part of a Python stack built in another language.
_BUILT_IN = re.compile(r"(?:written|implemented|built)\s+in\s+$", re.IGNORECASE)
_CORE = re.compile(r"^[\s-]*core\b", re.IGNORECASE)


def other_stacks_named(text: str, own: frozenset[str] = frozenset()) -> list[str]:
    """The other technologies ``text`` talks in (not only compares with), earliest first,
    leaving out those in ``own``."""
    found: dict[str, int] = {}
    for name, pattern in _PATTERNS:
        if name.casefold() in own:
            continue
        for m in pattern.finditer(text):
            before, after = text[max(0, m.start() - 60) : m.start()], text[m.end() : m.end() + 16]
            built_in = name == "Rust" and (_BUILT_IN.search(before) or _CORE.search(after))
            if not (_COMPARED.search(before) or _COMPARED_AFTER.search(after) or built_in):
                found[name] = min(m.start(), found.get(name, m.start()))
                break
    return sorted(found, key=found.__getitem__)


# Names worth keeping as they are spelled when a bank's text says them.
_FRAMEWORKS = ("asyncio", "contextvars", "FastAPI", "Starlette", "Pydantic", "SQLAlchemy", "Django", "Flask")


def stack_of_text(text: str) -> list[str]:
    """The technologies a bank's own text names (for an imported bank's ``stack``): the
    languages and stacks of the lexicon, and the frameworks as spelled."""
    groups = [name for name, pattern in _PATTERNS if pattern.search(text)]
    spelled = [f for f in _FRAMEWORKS if re.search(rf"(?<!\w){f}(?!\w)", text, re.IGNORECASE)]
    return list(dict.fromkeys([*groups, *spelled]))


@dataclass(frozen=True)
class StackCheck:
    """What counts as naming the bank's own stack, for every question of one bank."""

    own: frozenset[str]  # the bank's stack names, case-folded
    glued: tuple[str, ...]  # the same, as their words glued ("fastapi"), to meet "fast API"
    identifiers: dict[str, tuple[_Identifier, ...]]  # question id -> its identifiers as said

    @classmethod
    def of(cls, bank: Bank) -> StackCheck:
        names = bank.bank.stack
        # A lexicon entry that one of the bank's names falls under is the bank's too: a stack of
        # ["FastAPI"] makes an answer that says only "Python" about its own stack.
        groups = {group for group, pattern in _PATTERNS if any(pattern.fullmatch(n) for n in names)}
        return cls(
            own=frozenset(n.casefold() for n in [*names, *groups]),
            glued=tuple("".join(t.text for t in tokenize(n)) for n in names),
            identifiers={q.id: _identifiers(q) for q in bank.questions},
        )

    def other_stack(self, heard: Heard, question_id: str) -> str | None:
        """The other stack the answer is about, or None when it is about the bank's own (or
        names no technology at all, which leaves the judging to the concepts)."""
        if not self.glued:
            return None
        named = other_stacks_named(heard.text, self.own)
        if not named:
            return None
        words = tuple(t.text for t in heard.tokens)
        # A Django answer is Python too: saying "Python" (or Django's "to python") is not naming
        # this bank's stack against it; only a name of its own ("Pydantic", "FastAPI") is.
        same_language = {_LANGUAGE_OF.get(name, "").casefold() for name in named}
        if self._own_names_said(words) - same_language:
            return None
        if any(ident.said_in(heard.text) for ident in self.identifiers.get(question_id, ())):
            return None
        if _TURNS_HERE.search(heard.text):
            return None
        return named[0]

    def _own_names_said(self, words: tuple[str, ...]) -> set[str]:
        """The bank's stack names that were said: as such, in pieces ("fast API"), or misheard by
        a letter or two ("Pidantic"); never a stretch over several heard words."""
        said = set()
        for size in range(1, _GLUE + 1):
            for i in range(len(words) - size + 1):
                heard = "".join(words[i : i + size])
                for name in self.glued:
                    if heard == name or (size == 1 and len(name) >= 6 and ratio(heard, name) >= NEAR_MISS):
                        said.add(name)
        return said


# "forms dot ValidationError": the name qualified by a module, said or written, just before it.
_QUALIFIED = re.compile(r"\w\s*(?:dot\s*|\.)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class _Identifier:
    pattern: re.Pattern[str]
    is_class: bool  # CamelCase: a class name, not an attribute

    def said_in(self, text: str) -> bool:
        """Whether ``text`` says the identifier as this question's code does. A class name counts
        unqualified only: a Django answer raises ``forms.ValidationError``, a Pydantic one
        ``ValidationError``. An attribute (``user.password_hash``) counts either way."""
        for m in self.pattern.finditer(text):
            if not self.is_class or not _QUALIFIED.search(text[max(0, m.start() - 12) : m.start()]):
                return True
        return False


def _identifiers(question: Question) -> tuple[_Identifier, ...]:
    """The question's code identifiers as a Python programmer writes or says them:
    ``password_hash`` as "password underscore hash" (a JavaScript one says passwordHash, and
    anyone says "password hash"); ``ContextVar`` in its own capitals, so Java's ``ThreadLocal``
    is not ``threading.local`` and Mongoose's "validation error" is not ``ValidationError``."""
    out = []
    for term in question.vocabulary:
        # Underscored or camelCase only: dotted names ("router.get") are said in other stacks too.
        name = term.split(".")[-1].strip("_")
        if name.casefold() in _STANDARDS:
            continue
        if "_" in name:
            parts = [re.escape(p) for p in name.split("_") if p]
            pattern = re.compile(r"(?<!\w)" + _UNDERSCORE.join(parts) + r"(?!\w)", re.IGNORECASE)
            out.append(_Identifier(pattern, is_class=False))
        elif _CAMEL.search(name):
            parts = [re.escape(p) for p in _CAMEL_PARTS.findall(name)]
            out.append(_Identifier(re.compile(r"(?<!\w)" + r"\s?".join(parts) + r"(?!\w)"), is_class=True))
    return tuple(out)
