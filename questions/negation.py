"""Is a red-flag claim asserted, or named only to be rejected?

"I just use a thread lock" asserts the misconception; "I would not use a thread lock", "a common
mistake is to think a thread lock is fine", "rather than deleting keys by hand" and "people say any
lock works, which freezes the loop" reject it. The test is local and explainable: a rejecting cue
in the same clause before the claim (not across "but"/"however", which turn the sentence), a
rejecting cue inside the claim's own span, or a verdict right after it ("..., that's wrong").
"""

from __future__ import annotations

from questions.normalize import Token, stem

# Words that negate what follows closely ("I would not use", "never hardcode").
_NEGATORS = frozenset(
    stem(w)
    for w in "not no never nor nothing nobody without stop avoid instead rather only against un".split()
)
# Words that frame a whole clause as wrong ("a common mistake is to think ...").
_FRAMES = frozenset(
    stem(w)
    for w in """mistake mistaken wrong wrongly misconception myth bad incorrect incorrectly false pitfall
    trap gotcha antipattern anti unlike opposed tempting tempted temptation naive naively confuse
    confused confusing misunderstand misunderstanding dangerous worst avoid instead rather seem seems
    appear appears illusion looks legacy deprecated outdated older previously formerly steer resist
    urge tutorials imagine smell smells codebases flag blog blogs articles initially originally review
    reviews warn warned warning caution cautious clunky awkward tedious ugly heard assume assumes""".split()
)
# Every word that can start a rejection: what the answer-level model marks as said under one.
REJECTION_CUES = _NEGATORS | _FRAMES
# Someone else doing it ("a newer dev put a threading lock around it"), unless the speaker takes
# it up ("if a teammate writes endpoints elsewhere, I'd copy the handlers into main"). "others" by
# its text: its stem is "other" ("the other tasks").
_ATTRIBUTED = frozenset(
    stem(w)
    for w in """people folks someone somebody beginners juniors newcomers intern interns dev devs
    developer colleague colleagues teammate teammates coworker coworkers mentee students""".split()
) | {"others"}
_SPEAKER = frozenset({"i", "we"})
_AFTER = frozenset(
    stem(w)
    for w in """wrong mistake bad incorrect antipattern freeze freezes freezing stall stalls deadlock
    deadlocks breaks defeat defeats pointless dangerous pitfall trap terrible horrible avoid
    misconception anti fragile brittle messy hacky hack risky insecure unsafe leak leaks forget flag
    unnecessary needless redundant overkill reimplement reimplementing reinvent reinventing
    nightmare misleading warn warns dislike hate smell smells discouraged superseded legacy confusion
    confusing became renamed gone""".split()
)
# Two words that frame the rest of the clause as wrong ("I push back on ...", "no need to ...").
_FRAME_PAIRS = frozenset(
    {("push", "back"), ("no", "need"), ("not", "need"), ("call", "out"), ("not", "want")}
    # A habit since left: "back in Pydantic one we used constr", "in my first project I typed ..."
    | {("back", "in"), ("back", "then"), ("my", "1"), ("at", "1"), ("before", "that")}
)
_AFTER_PAIRS = frozenset({("stay", "away"), ("steer", "clear"), ("stay", "clear")})
_VERDICT_NOUNS = frozenset(stem(w) for w in "thing things something one pattern mistake what".split())
# Modal words that offer a claim only to weigh it.
_HEDGES = frozenset(stem(w) for w in ["could", "might", "may", "tempted", "option", "if"])
_OLD = frozenset({"old", "older"})
_V1_WAYS = frozenset({"way", "ways", "style", "days", "syntax"})
_OLD_WAYS = _V1_WAYS | {"api", "version", "tutorials"}
_DESCRIBED = frozenset(stem(w) for w in "ones one input value values data request payload item".split())
_CONCESSIONS = frozenset(stem(w) for w in "possible technically tempting convenient doable".split())
_TURN = frozenset(stem(w) for w in ["but", "however", "whereas", "though", "although", "yet"])
# "rather"/"instead" reject only what follows "than"/"of": "I'd rather iterate" asserts.
_NEEDS_NEXT = {stem("rather"): "than", stem("instead"): "of"}
# ", and ..." / ", so ..." starts a new thought that a negator before it does not reach:
# "I've never needed it, and re-declaring them keeps it simple" asserts the re-declaring.
_NEW_THOUGHT = frozenset({"and", "so", "then", "because"})
_CONDITIONS = frozenset({"if", "when", "unless", "whether"})
# Verdicts said with "not" after the claim: "..., that's just not how it works".
_NOT_VERDICTS = frozenset({"how", "true", "right", "correct", "what", "safe", "good", "need"})
NEGATOR_REACH = 5  # content words before the claim within which "not"/"never" applies to it
FRAME_REACH = 25  # tokens before the claim within which a framing word applies (same clause)
LOOKAHEAD = 12  # tokens after the claim searched for a verdict


def _cue(tokens: list[Token], i: int, cues: frozenset[str]) -> bool:
    """Whether token ``i`` is one of ``cues`` in its rejecting sense."""
    tok = tokens[i]
    if tok.stem not in cues:
        return False
    if tok.text == "not" and i and tokens[i - 1].text == "if":
        return False  # code said aloud: "if not username dot isalnum, raise ..."
    needed = _NEEDS_NEXT.get(tok.stem)
    return needed is None or (i + 1 < len(tokens) and tokens[i + 1].text == needed)


def _attributed(tokens: list[Token], i: int, last: int) -> bool:
    """Whether token ``i`` names someone else as the one making the claim that ends at ``last``."""
    if tokens[i].stem not in _ATTRIBUTED and tokens[i].text not in _ATTRIBUTED:
        return False
    return not any(t.text in _SPEAKER for t in tokens[i + 1 : last + 1])


def _given_up(tokens: list[Token], i: int) -> bool:
    """Whether token ``i`` starts "used to" (a habit left) or "early on" (a habit since changed)."""
    following = tokens[i + 1].text if i + 1 < len(tokens) else ""
    return (tokens[i].text, following) in (("used", "to"), ("early", "on"))


def _rejects_forward(tokens: list[Token], i: int, used: frozenset[int]) -> bool:
    """Whether a cue at ``i`` inside a claim's span reaches one of the claim's words after it."""
    words = 0  # content words from the cue: "not a range check and a regex" reaches "regex"
    for j in range(i + 1, max(used, default=i) + 1):
        tok = tokens[j]
        if tok.clause != tokens[i].clause or tok.stem in _TURN:
            return False
        words += not tok.is_stop
        # "not a range check and a regex": a negator reaches on, but not past a comma ("without
        # any issues, it's a perfectly safe choice").
        near = words <= NEGATOR_REACH and not any(t.after_comma for t in tokens[i + 1 : j + 1])
        if j in used:
            return _cue(tokens, i, _FRAMES) or (near and _cue(tokens, i, _NEGATORS))
    return False


def is_rejected(tokens: list[Token], first: int, last: int, used: frozenset[int]) -> bool:
    """Whether the claim spanning tokens ``first..last`` is negated or rejected by its context."""
    if tokens[first].asked:
        return True  # "Could you just use threading.Lock? Not really." asks; it does not claim
    clause = tokens[first].clause
    hedged = False  # "you could ...", "one might ...": a claim offered to be turned down
    negator_reach = NEGATOR_REACH
    distance = 0  # content words back to the claim: "no two pieces of code are executing"
    for i in range(first - 1, max(-1, first - FRAME_REACH - 1), -1):
        tok = tokens[i]
        distance += not tok.is_stop
        if tok.clause != clause:
            break
        if tok.stem in _TURN:
            # "You could, but then the validation lives outside the model": a downside described.
            offered = any(t.stem in _HEDGES for t in tokens[max(0, i - 3) : i] if t.clause == clause)
            then = i + 1 < len(tokens) and tokens[i + 1].text == "then"
            if offered and then:
                return True
            if not then:
                break
            # "someone had a users router but then rewrote each endpoint": the story goes on.
        if _cue(tokens, i, _FRAMES) or (distance <= negator_reach and _cue(tokens, i, _NEGATORS)):
            return True
        if _attributed(tokens, i, last):
            return True
        if (tok.text, tokens[i + 1].text) in _FRAME_PAIRS:
            return True  # "you don't need to loop and build Products manually"
        if tok.text in _NEW_THOUGHT and tok.after_comma:
            negator_reach = 0
        # "the old API", "the v1 way was at validator with pre equals True"
        ways = _OLD_WAYS if tok.text in _OLD else _V1_WAYS if tok.text == "1" else ()
        old_way = tokens[i + 1].text in ways
        if old_way or (tok.text in _OLD and first - i <= 2):
            # "the old way was conint", "the old pre equals True is now mode before": history
            return True
        if tok.text == "not" and [t.text for t in tokens[i + 1 : i + 3]] == ["do", "is"]:
            return True  # "what I would not do is hand-roll the conversion with a for loop"
        if _given_up(tokens, i):
            return True  # "I used to pop the hash in each route until ...": a habit given up
        hedged = hedged or tok.stem in _HEDGES
    if _given_up(tokens, first):
        return True  # the claim's own first word: "used to write a validator" is not "use a validator"
    # Inside a claim, "nothing" is part of it: "..., there's nothing async specific about it".
    cues = (_NEGATORS | _FRAMES) - {stem("nothing")}
    if any(
        _rejects_forward(tokens, i, used)
        for i in range(first, last + 1)
        if i not in used and tokens[i].stem in cues
    ):
        return True
    for i in range(last + 1, min(len(tokens), last + 1 + LOOKAHEAD)):
        tok = tokens[i]
        if tok.clause > clause + 1 or tok.text in _CONDITIONS:
            break  # "..., raise an HTTPException if it's wrong": a condition, not a verdict
        # "..., treating it as cents to avoid float issues" asserts; "the thing to avoid" rejects.
        purpose = tokens[i - 1].text == "to" and tokens[i - 2].stem not in _VERDICT_NOUNS
        # "..., raise ValueError for bad ones" describes the input; "that's bad" judges the claim.
        described = i + 1 < len(tokens) and tokens[i + 1].stem in _DESCRIBED
        if tok.stem in _AFTER and not purpose and not described:
            return True  # "..., that's brittle"
        if i + 1 < len(tokens) and (tok.text, tokens[i + 1].text) in _AFTER_PAIRS:
            return True  # "... is the thing to stay away from"
        if hedged and tok.clause == clause and tok.stem in _TURN:
            return True  # "you could X, but ..."
        if tok.stem in _TURN and any(t.stem in _CONCESSIONS for t in tokens[last + 1 : i]):
            return True  # "parsing the headers by hand is possible, but you give up validation"
        if tok.text == "not" and i + 1 < len(tokens) and tokens[i + 1].text in _NOT_VERDICTS:
            return True  # "..., that's just not how it works"
    return False
