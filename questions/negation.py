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
_NEGATORS = frozenset(stem(w) for w in "not no never nor without stop avoid instead rather only".split())
# Words that frame a whole clause as wrong ("a common mistake is to think ...").
_FRAMES = frozenset(
    stem(w)
    for w in """mistake mistaken wrong wrongly misconception myth bad incorrect incorrectly false pitfall
    trap gotcha antipattern anti unlike opposed tempting tempted temptation naive naively people folks
    someone somebody beginners juniors newcomers others confuse confused confusing misunderstand
    misunderstanding dangerous worst avoid instead rather seem seems appear appears illusion looks
    legacy deprecated outdated older previously formerly steer resist urge tutorials""".split()
)
_AFTER = frozenset(
    stem(w)
    for w in """wrong mistake bad incorrect antipattern freeze freezes freezing stall stalls deadlock
    deadlocks breaks defeat defeats pointless dangerous pitfall trap terrible horrible avoid
    misconception anti fragile brittle messy hacky hack risky insecure unsafe leak leaks forget flag
    unnecessary needless redundant overkill reimplement reimplementing reinvent reinventing
    nightmare misleading""".split()
)
# Modal words that offer a claim only to weigh it.
_HEDGES = frozenset(stem(w) for w in ["could", "might", "may", "tempted", "option", "if"])
_OLD_WAYS = frozenset({"way", "ways", "style", "days", "api", "version", "syntax", "tutorials"})
_TURN = frozenset(stem(w) for w in ["but", "however", "whereas", "though", "although", "yet"])
NEGATOR_REACH = 5  # tokens before the claim within which "not"/"never" applies to it
FRAME_REACH = 25  # tokens before the claim within which a framing word applies (same clause)
LOOKAHEAD = 12  # tokens after the claim searched for a verdict


def is_rejected(tokens: list[Token], first: int, last: int, used: frozenset[int]) -> bool:
    """Whether the claim spanning tokens ``first..last`` is negated or rejected by its context."""
    if tokens[first].asked:
        return True  # "Could you just use threading.Lock? Not really." asks; it does not claim
    clause = tokens[first].clause
    hedged = False  # "you could ...", "one might ...": a claim offered to be turned down
    for distance, i in enumerate(range(first - 1, max(-1, first - FRAME_REACH - 1), -1), 1):
        tok = tokens[i]
        if tok.clause != clause or tok.stem in _TURN:
            break
        if tok.stem in _FRAMES or (distance <= NEGATOR_REACH and tok.stem in _NEGATORS):
            return True
        if tok.text == "old" and i + 1 < len(tokens) and tokens[i + 1].text in _OLD_WAYS:
            return True  # "the old way was conint": history, not advice
        if tok.text == "used" and i + 1 < len(tokens) and tokens[i + 1].text == "to":
            return True  # "I used to pop the hash in each route until ...": a habit given up
        hedged = hedged or tok.stem in _HEDGES
    if any(tokens[i].stem in _NEGATORS | _FRAMES for i in range(first, last + 1) if i not in used):
        return True
    for i in range(last + 1, min(len(tokens), last + 1 + LOOKAHEAD)):
        tok = tokens[i]
        if tok.clause > clause + 1:
            break
        if tok.stem in _AFTER or (hedged and tok.clause == clause and tok.stem in _TURN):
            return True  # "..., that's brittle", "you could X, but ..."
    return False
